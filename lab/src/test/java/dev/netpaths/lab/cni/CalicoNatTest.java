package dev.netpaths.lab.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.dataplane.KubeProxy;

/** Calico's node NAT against felix v3.32.1 (felix/rules/static.go, felix/rules/nat.go). */
class CalicoNatTest {

    @Test
    void aVxlanPoolMasqueradesPodsLeavingThePoolAndTheNodesOwnTunnelTraffic() {
        String text = CalicoNat.render("192.168.0.0/16", Calico.VXLAN_DEVICE);
        assertTrue(text.contains("-I POSTROUTING 1 -m comment --comment \"cali:0i8pjzKKPyA34aQD\" -j cali-POSTROUTING"), text);
        assertTrue(text.contains("-A cali-POSTROUTING -j cali-nat-outgoing"), text);
        assertTrue(text.contains("-A cali-POSTROUTING -o vxlan.calico -m addrtype ! --src-type LOCAL --limit-iface-out "
                + "-m addrtype --src-type LOCAL -j MASQUERADE --random-fully"), text);
        assertTrue(text.contains("-A cali-nat-outgoing -s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE --random-fully"), text);
    }

    @Test
    void bgpHasNoTunnelRuleAndNeitherModeHasFlannelsMasqueradeIntoThePool() {
        String bgp = CalicoNat.render("192.168.0.0/16", null);
        assertFalse(bgp.contains("vxlan.calico"), bgp);
        for (String text : new String[] {bgp, CalicoNat.render("192.168.0.0/16", Calico.VXLAN_DEVICE)}) {
            // Flannel's and Weave's chains masquerade traffic from outside the cluster into it; Calico keeps the client
            assertFalse(text.contains("! -s 192.168.0.0/16 -d 192.168.0.0/16"), text);
            assertFalse(text.contains(KubeProxy.POD_MASQ_CHAIN), text);
            assertEquals(1, text.lines().filter(l -> l.contains("MASQUERADE") && !l.contains("vxlan.calico")).count(), text);
        }
    }

    @Test
    void refusesAPoolThatIsNotACidr() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CalicoNat.render("192.168.0.0/33", null));
        assertTrue(e.getMessage().contains("192.168.0.0/33"), e.getMessage());
    }

    @Test
    void theRulesLoadIntoRealIptablesBesideKubeProxys() {
        Assumptions.assumeTrue(Fixtures.canTestIptables(), "needs root, unshare and iptables-restore");
        Fixtures.Result r = Fixtures.iptablesApply(KubeProxy.hookRules(),
                CalicoNat.render("192.168.0.0/16", Calico.VXLAN_DEVICE));
        assertEquals(0, r.exitCode(), r.output());
        String nat = r.output();
        assertTrue(nat.indexOf("-j cali-POSTROUTING") < nat.indexOf("-j KUBE-POSTROUTING"),
                "felix inserts its hook before kube-proxy's: " + nat);
        assertTrue(nat.contains("-A cali-nat-outgoing -s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE --random-fully"), nat);
    }
}

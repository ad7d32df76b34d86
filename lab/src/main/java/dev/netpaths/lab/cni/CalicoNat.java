package dev.netpaths.lab.cni;

import dev.netpaths.lab.dataplane.IptablesText;
import dev.netpaths.lab.dataplane.KubeProxy;
import dev.netpaths.lab.net.Ipv4;

/**
 * Calico's node NAT as felix writes it (projectcalico/calico v3.32.1, the version scripts/versions.env pins), in
 * place of Flannel's masquerade chain ({@link KubeProxy#renderPodMasquerade}), which Calico does not have:
 * <ul>
 *   <li>{@code cali-POSTROUTING}, jumped to from nat POSTROUTING (felix inserts its hook first), jumps to
 *       {@code cali-nat-outgoing} and, with a VXLAN pool, masquerades what the node itself sends into
 *       {@code vxlan.calico} from another of its addresses to the tunnel address (felix/rules/static.go
 *       {@code StaticNATPostroutingChains}; the rule text as in felix/fv/cali-iptables-dump.txt);</li>
 *   <li>{@code cali-nat-outgoing}: the pool's {@code natOutgoing: Enabled} (felix/rules/nat.go
 *       {@code makeNATOutgoingRuleIPTables}): source in a masquerading pool, destination in no pool. felix matches
 *       the ipsets {@code cali40masq-ipam-pools} and {@code cali40all-ipam-pools}; with the one pool the scripts
 *       create ({@code calico_installation} in scripts/cluster/lib.sh), that is {@code -s pool ! -d pool}.</li>
 * </ul>
 * Nothing masquerades traffic from outside the pool to a pod (Flannel's {@code ! -s cluster -d cluster}): a client
 * off the cluster that routes to a pod keeps its address. {@code --random-fully} as felix adds it where the
 * kernel supports it ({@code MASQFullyRandom}, felix/iptables/actions.go).
 */
public final class CalicoNat {
    public static final String POSTROUTING = "cali-POSTROUTING";
    public static final String NAT_OUTGOING = "cali-nat-outgoing";

    private CalicoNat() {
    }

    /**
     * @param pool        the IP pool's CIDR (the cluster's pod CIDR)
     * @param vxlanDevice the VXLAN device of a VXLAN pool, {@code null} for BGP (no tunnel rule)
     */
    public static String render(String pool, String vxlanDevice) {
        String cidr = Ipv4.Cidr.parse(pool).toString();
        IptablesText nat = new IptablesText("nat").chain(POSTROUTING).chain(NAT_OUTGOING);
        nat.rule("-I POSTROUTING 1 -m comment --comment", IptablesText.quote("cali:0i8pjzKKPyA34aQD"), "-j", POSTROUTING);
        nat.rule("-A", POSTROUTING, "-j", NAT_OUTGOING);
        if (vxlanDevice != null) {
            nat.rule("-A", POSTROUTING, "-o", vxlanDevice,
                    "-m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL -j MASQUERADE --random-fully");
        }
        nat.rule("-A", NAT_OUTGOING, "-s", cidr, "!", "-d", cidr, "-j MASQUERADE --random-fully");
        return nat.toString();
    }
}

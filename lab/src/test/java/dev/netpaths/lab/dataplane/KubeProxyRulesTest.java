package dev.netpaths.lab.dataplane;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import dev.netpaths.lab.api.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeProxyRulesTest {
    private final Fixtures.Cluster cluster = Fixtures.cluster();

    /** The nat table of the rules the lab writes on netpaths-worker, with counters as iptables-save -c prints them. */
    private String natWithCounters() {
        String all = KubeProxy.render(cluster.node("netpaths-worker"), cluster.services(), cluster.slices(), Fixtures.CLUSTER_CIDR);
        String nat = all.substring(all.indexOf("*nat"));
        StringBuilder b = new StringBuilder();
        for (String line : nat.split("\n")) {
            b.append(line.startsWith("-A ") ? "[7:420] " + line : line).append('\n');
        }
        return b.toString();
    }

    @Test
    void oneServiceIsItsEntryRulesThenEveryChainTheyReach() {
        Map<String, List<String>> chains = KubeProxyRules.forService(natWithCounters(), "netpaths/echo");
        String svcTcp = "KUBE-SVC-" + KubeProxy.chainHash("netpaths/echo:httptcp");
        String sep = "KUBE-SEP-" + KubeProxy.chainHash("netpaths/echo:httptcp10.244.1.3:8080");
        assertEquals("KUBE-SERVICES", chains.keySet().iterator().next());
        assertTrue(chains.containsKey(svcTcp), chains.keySet().toString());
        assertTrue(chains.containsKey(sep), chains.keySet().toString());
        assertTrue(chains.get(sep).stream().anyMatch(r -> r.startsWith("[7:420] -A " + sep) && r.contains("DNAT --to-destination 10.244.1.3:8080")),
                "the endpoint chain's DNAT, with its counters: " + chains.get(sep));
        // echo-lb, echo-local, echo-nodeport... start with "netpaths/echo" too but are other Services
        assertTrue(chains.get("KUBE-SERVICES").stream().allMatch(r -> r.contains("\"netpaths/echo:")), chains.get("KUBE-SERVICES").toString());
        assertFalse(chains.values().stream().flatMap(List::stream).anyMatch(r -> r.contains("netpaths/echo-lb")));
    }

    @Test
    void aNodePortServiceStartsInKubeNodeportsToo() {
        Map<String, List<String>> chains = KubeProxyRules.forService(natWithCounters(), "netpaths/echo-local");
        assertTrue(chains.containsKey("KUBE-NODEPORTS"), chains.keySet().toString());
        String h = KubeProxy.chainHash("netpaths/echo-local:httptcp");
        assertTrue(chains.containsKey("KUBE-EXT-" + h) && chains.containsKey("KUBE-SVL-" + h), chains.keySet().toString());
    }

    @Test
    void anUnknownServiceHasNoRulesAndTheKnownOnesAreListed() {
        assertTrue(KubeProxyRules.forService(natWithCounters(), "netpaths/nope").isEmpty());
        assertTrue(KubeProxyRules.services(natWithCounters()).containsAll(List.of("netpaths/echo", "netpaths/echo-local")),
                KubeProxyRules.services(natWithCounters()).toString());
    }

    @Test
    void aCommentNamesAServiceOnlyAsAWholeName() {
        assertTrue(KubeProxyRules.names("-A KUBE-SERVICES -m comment --comment \"netpaths/echo:http cluster IP\" -j X", "netpaths/echo"));
        assertTrue(KubeProxyRules.names("-A KUBE-NODEPORTS -m comment --comment netpaths/echo:http -j X", "netpaths/echo"));
        assertFalse(KubeProxyRules.names("-A KUBE-NODEPORTS -m comment --comment netpaths/echo-lb:http -j X", "netpaths/echo"));
        assertFalse(KubeProxyRules.names("-A KUBE-SERVICES -j X", "netpaths/echo"));
    }
}

package dev.netpaths.lab;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What {@code rules} prints, from tables as iptables-save -c and nft list print them. */
class NodeRulesTest {
    private static final LabTargets.Target NODE = new LabTargets.Target(LabTargets.Kind.NODE, "np-c0-n1", "node netpaths-worker (172.18.0.3)");

    private static final String NAT = String.join("\n",
            "*nat",
            ":KUBE-SERVICES - [0:0]",
            ":KUBE-NODEPORTS - [0:0]",
            ":KUBE-SVC-AAAA - [0:0]",
            ":KUBE-SEP-BBBB - [0:0]",
            "[4:240] -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment \"netpaths/echo:http cluster IP\" -m tcp --dport 8080 -j KUBE-SVC-AAAA",
            "[0:0] -A KUBE-SERVICES -d 10.96.0.30/32 -p tcp -m comment --comment \"netpaths/echo-lb:http cluster IP\" -m tcp --dport 8080 -j KUBE-SVC-CCCC",
            "[4:240] -A KUBE-SVC-AAAA -m comment --comment \"netpaths/echo:http -> 10.244.1.3:8080\" -j KUBE-SEP-BBBB",
            "[4:240] -A KUBE-SEP-BBBB -p tcp -m comment --comment netpaths/echo:http -m tcp -j DNAT --to-destination 10.244.1.3:8080",
            "COMMIT", "");
    private static final Map<String, String> TABLES = Map.of("nat", NAT, "filter", "*filter\n:KUBE-SERVICES - [0:0]\nCOMMIT\n");

    @Test
    void aServiceIsAHeaderThenItsNatChainsWithTheirCounters() {
        assertEquals("""
                # node netpaths-worker (172.18.0.3), network namespace np-c0-n1; kube-proxy mode iptables; [packets:bytes] before each rule (iptables-save -c)
                ## table nat
                KUBE-SERVICES
                  [4:240] -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "netpaths/echo:http cluster IP" -m tcp --dport 8080 -j KUBE-SVC-AAAA
                KUBE-SVC-AAAA
                  [4:240] -A KUBE-SVC-AAAA -m comment --comment "netpaths/echo:http -> 10.244.1.3:8080" -j KUBE-SEP-BBBB
                KUBE-SEP-BBBB
                  [4:240] -A KUBE-SEP-BBBB -p tcp -m comment --comment netpaths/echo:http -m tcp -j DNAT --to-destination 10.244.1.3:8080
                """, NodeRules.iptables(NODE, "netpaths-worker", "netpaths/echo", TABLES::get));
    }

    @Test
    void withoutAServiceTheEntryChainsAndTheServicesToAskFor() {
        String shown = NodeRules.iptables(NODE, "netpaths-worker", null, TABLES::get);
        assertEquals("""
                ## table nat
                KUBE-SERVICES
                  [4:240] -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "netpaths/echo:http cluster IP" -m tcp --dport 8080 -j KUBE-SVC-AAAA
                  [0:0] -A KUBE-SERVICES -d 10.96.0.30/32 -p tcp -m comment --comment "netpaths/echo-lb:http cluster IP" -m tcp --dport 8080 -j KUBE-SVC-CCCC
                KUBE-NODEPORTS
                  (no rules)
                # one Service's chains: rules netpaths-worker NS/SERVICE, with one of: netpaths/echo netpaths/echo-lb
                """, shown.substring(shown.indexOf('\n') + 1));
    }

    @Test
    void aServiceWithNoRuleOnTheNodeIsRefusedNamingThoseWithRules() {
        LabException e = assertThrows(LabException.class, () -> NodeRules.iptables(NODE, "netpaths-worker", "netpaths/nope", TABLES::get));
        assertEquals("no kube-proxy rule on netpaths-worker names netpaths/nope; Services with rules there: netpaths/echo netpaths/echo-lb",
                e.getMessage());
    }

    @Test
    void nftablesModeShowsTheServicesChainsAndRefusesAnUnknownOne() {
        String listing = String.join("\n",
                "table ip kube-proxy {",
                "\tmap service-ips {",
                "\t\telements = { 10.96.0.20 . tcp . 8080 : goto service-AAAAAAAA-netpaths/echo/tcp/http }",
                "\t}",
                "\tchain service-AAAAAAAA-netpaths/echo/tcp/http {",
                "\t\tcounter packets 3 bytes 180 numgen random mod 1 vmap { 0 : goto endpoint-CCCCCCCC-netpaths/echo/tcp/http__10.244.1.3/8080 }",
                "\t}",
                "}");
        String shown = NodeRules.nftables(NODE, "netpaths-worker", "netpaths/echo", listing);
        assertEquals("# node netpaths-worker (172.18.0.3), network namespace np-c0-n1; kube-proxy mode nftables (table ip kube-proxy);"
                + " each rule's 'counter packets N bytes M' is the lab's addition (nft list table)", shown.lines().findFirst().orElseThrow());
        org.junit.jupiter.api.Assertions.assertTrue(shown.contains("chain service-AAAAAAAA-netpaths/echo/tcp/http\n"), shown);
        LabException e = assertThrows(LabException.class, () -> NodeRules.nftables(NODE, "netpaths-worker", "netpaths/nope", listing));
        assertEquals("no kube-proxy chain or map element on netpaths-worker names netpaths/nope; Services with chains there: netpaths/echo",
                e.getMessage());
    }
}

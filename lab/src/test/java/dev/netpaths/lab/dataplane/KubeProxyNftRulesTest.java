package dev.netpaths.lab.dataplane;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeProxyNftRulesTest {
    /** The shape of `nft list table ip kube-proxy` (nft 1.0.6) for two Services, trimmed. */
    private static final String LISTING = String.join("\n",
            "table ip kube-proxy {",
            "\tcomment \"rules for kube-proxy\"",
            "\tmap service-ips {",
            "\t\ttype ipv4_addr . inet_proto . inet_service : verdict",
            "\t\tcomment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\"",
            "\t\telements = { 10.96.0.20 . tcp . 8080 : goto service-AAAAAAAA-netpaths/echo/tcp/http,",
            "\t\t\t     10.96.0.30 . tcp . 8080 : goto service-BBBBBBBB-netpaths/echo-local/tcp/http }",
            "\t}",
            "\tmap no-endpoint-services {",
            "\t\ttype ipv4_addr . inet_proto . inet_service : verdict",
            "\t\telements = { 172.18.0.200 . tcp . 80 comment \"netpaths/echo-local:http\" : drop }",
            "\t}",
            "\tchain service-AAAAAAAA-netpaths/echo/tcp/http {",
            "\t\tip daddr 10.96.0.20 ip saddr != 10.244.0.0/16 counter packets 0 bytes 0 jump mark-for-masquerade",
            "\t\tcounter packets 3 bytes 180 numgen random mod 1 vmap { 0 : goto endpoint-CCCCCCCC-netpaths/echo/tcp/http__10.244.1.3/8080 }",
            "\t}",
            "\tchain endpoint-CCCCCCCC-netpaths/echo/tcp/http__10.244.1.3/8080 {",
            "\t\tmeta l4proto tcp counter packets 3 bytes 180 dnat to 10.244.1.3:8080",
            "\t}",
            "\tchain service-BBBBBBBB-netpaths/echo-local/tcp/http {",
            "\t\tcounter packets 0 bytes 0 numgen random mod 1 vmap { 0 : goto endpoint-DDDDDDDD-netpaths/echo-local/tcp/http__10.244.2.3/8080 }",
            "\t}",
            "}");

    @Test
    void aServiceIsItsMapElementsAndItsChainsNotThoseOfAServiceNamedAlike() {
        Map<String, List<String>> echo = KubeProxyNftRules.forService(LISTING, "netpaths/echo");
        assertEquals(List.of("map service-ips", "chain service-AAAAAAAA-netpaths/echo/tcp/http",
                "chain endpoint-CCCCCCCC-netpaths/echo/tcp/http__10.244.1.3/8080"), List.copyOf(echo.keySet()));
        assertEquals(List.of("10.96.0.20 . tcp . 8080 : goto service-AAAAAAAA-netpaths/echo/tcp/http"), echo.get("map service-ips"));
        assertTrue(echo.get("chain endpoint-CCCCCCCC-netpaths/echo/tcp/http__10.244.1.3/8080").get(0).contains("counter packets 3 bytes 180"));

        Map<String, List<String>> local = KubeProxyNftRules.forService(LISTING, "netpaths/echo-local");
        assertEquals(List.of("172.18.0.200 . tcp . 80 comment \"netpaths/echo-local:http\" : drop"), local.get("map no-endpoint-services"));
        assertTrue(KubeProxyNftRules.forService(LISTING, "netpaths/nothing").isEmpty());
    }

    @Test
    void theServicesWithChains() {
        assertEquals(Set.of("netpaths/echo", "netpaths/echo-local"), KubeProxyNftRules.services(LISTING));
    }
}

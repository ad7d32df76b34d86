package dev.netpaths.lab.dataplane;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

import dev.netpaths.lab.api.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KubeProxyNft} against upstream's own expectations: {@code kubernetes/kubernetes
 * pkg/proxy/nftables/proxier_test.go} {@code TestOverallNFTablesRules} (its {@code baseRules} and the six Services
 * ns1/svc1..ns6/svc6, stored version 81810de), with upstream's fake proxier settings: node test-node 192.168.0.2,
 * pod CIDR 10.0.0.0/8 (the local detector), Service CIDR 172.30.0.0/16, {@code --nodeport-addresses} the node IP.
 * That version predates kubernetes/kubernetes PR #135800 (in v1.36.0-alpha.1), which inlines the
 * {@code mark-for-masquerade} chain: the comparison with the pinned v1.36.1 is UNVERIFIED (docs/lab/fidelity.md).
 */
class KubeProxyNftTest {
    private static final String T = "add rule ip kube-proxy ";

    /** Upstream's baseRules, line for line. */
    private static final List<String> BASE = List.of(
            "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }",
            "add set ip kube-proxy cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }",
            "add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }",
            "add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"destinations that are subject to LoadBalancerSourceRanges\" ; }",
            "add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ; }",
            "add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to services with no endpoints\" ; }",
            "add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }",
            "add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ; }",
            "add chain ip kube-proxy cluster-ips-check",
            "add chain ip kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }",
            "add chain ip kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }",
            "add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }",
            "add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }",
            "add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }",
            "add chain ip kube-proxy firewall-check",
            "add chain ip kube-proxy mark-for-masquerade",
            "add chain ip kube-proxy masquerading",
            "add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }",
            "add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }",
            "add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }",
            "add chain ip kube-proxy nodeport-endpoints-check",
            "add chain ip kube-proxy reject-chain { comment \"helper for @no-endpoint-services / @no-endpoint-nodeports\" ; }",
            "add chain ip kube-proxy services",
            "add chain ip kube-proxy service-endpoints-check",
            T + "cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"",
            T + "cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment \"Drop traffic to unallocated ClusterIPs\"",
            T + "filter-prerouting-pre-dnat ct state new jump firewall-check",
            T + "filter-forward ct state new jump service-endpoints-check",
            T + "filter-forward ct state new jump cluster-ips-check",
            T + "filter-input ct state new jump nodeport-endpoints-check",
            T + "filter-input ct state new jump service-endpoints-check",
            T + "filter-output ct state new jump service-endpoints-check",
            T + "filter-output-pre-dnat ct state new jump firewall-check",
            T + "filter-output ct state new jump cluster-ips-check",
            T + "firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips",
            T + "mark-for-masquerade mark set mark or 0x4000",
            T + "masquerading mark and 0x4000 == 0 return",
            T + "masquerading mark set mark xor 0x4000",
            T + "masquerading masquerade fully-random",
            T + "nat-output jump services",
            T + "nat-postrouting jump masquerading",
            T + "nat-prerouting jump services",
            T + "nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports",
            T + "reject-chain reject",
            T + "services ip daddr . meta l4proto . th dport vmap @service-ips",
            T + "services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports",
            "add element ip kube-proxy nodeport-ips { 192.168.0.2 }",
            T + "service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services");

    /** Upstream's expectations for svc1..svc6 after baseRules. */
    private static final List<String> SERVICES = List.of(
            "add chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80",
            T + "service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
            T + "service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }",
            "add chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80",
            T + "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade",
            T + "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80",
            "add element ip kube-proxy cluster-ips { 172.30.0.41 }",
            "add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }",

            "add chain ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80",
            T + "service-42NFTM6N-ns2/svc2/tcp/p80 ip daddr 172.30.0.42 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
            T + "service-42NFTM6N-ns2/svc2/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 }",
            "add chain ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80",
            T + "external-42NFTM6N-ns2/svc2/tcp/p80 ip saddr 10.0.0.0/8 goto service-42NFTM6N-ns2/svc2/tcp/p80 comment \"short-circuit pod traffic\"",
            T + "external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"",
            T + "external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local goto service-42NFTM6N-ns2/svc2/tcp/p80 comment \"short-circuit local traffic\"",
            "add chain ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80",
            T + "endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 ip saddr 10.180.0.2 jump mark-for-masquerade",
            T + "endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 meta l4proto tcp dnat to 10.180.0.2:80",
            "add element ip kube-proxy cluster-ips { 172.30.0.42 }",
            "add element ip kube-proxy service-ips { 172.30.0.42 . tcp . 80 : goto service-42NFTM6N-ns2/svc2/tcp/p80 }",
            "add element ip kube-proxy service-ips { 192.168.99.22 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }",
            "add element ip kube-proxy service-ips { 1.2.3.4 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }",
            "add element ip kube-proxy service-nodeports { tcp . 3001 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }",
            "add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment \"ns2/svc2:p80\" : drop }",
            "add element ip kube-proxy no-endpoint-services { 1.2.3.4 . tcp . 80 comment \"ns2/svc2:p80\" : drop }",
            "add element ip kube-proxy no-endpoint-services { 192.168.99.22 . tcp . 80 comment \"ns2/svc2:p80\" : drop }",

            "add chain ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80",
            T + "service-4AT6LBPK-ns3/svc3/tcp/p80 ip daddr 172.30.0.43 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
            T + "service-4AT6LBPK-ns3/svc3/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 }",
            "add chain ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80",
            T + "external-4AT6LBPK-ns3/svc3/tcp/p80 jump mark-for-masquerade",
            T + "external-4AT6LBPK-ns3/svc3/tcp/p80 goto service-4AT6LBPK-ns3/svc3/tcp/p80",
            "add chain ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80",
            T + "endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade",
            T + "endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80",
            "add element ip kube-proxy cluster-ips { 172.30.0.43 }",
            "add element ip kube-proxy service-ips { 172.30.0.43 . tcp . 80 : goto service-4AT6LBPK-ns3/svc3/tcp/p80 }",
            "add element ip kube-proxy service-nodeports { tcp . 3003 : goto external-4AT6LBPK-ns3/svc3/tcp/p80 }",

            "add chain ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80",
            T + "service-LAUZTJTB-ns4/svc4/tcp/p80 ip daddr 172.30.0.44 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
            T + "service-LAUZTJTB-ns4/svc4/tcp/p80 numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 , 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }",
            "add chain ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80",
            T + "external-LAUZTJTB-ns4/svc4/tcp/p80 jump mark-for-masquerade",
            T + "external-LAUZTJTB-ns4/svc4/tcp/p80 goto service-LAUZTJTB-ns4/svc4/tcp/p80",
            "add chain ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80",
            T + "endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 ip saddr 10.180.0.5 jump mark-for-masquerade",
            T + "endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 meta l4proto tcp dnat to 10.180.0.5:80",
            "add chain ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80",
            T + "endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 ip saddr 10.180.0.4 jump mark-for-masquerade",
            T + "endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 meta l4proto tcp dnat to 10.180.0.4:80",
            "add element ip kube-proxy cluster-ips { 172.30.0.44 }",
            "add element ip kube-proxy service-ips { 172.30.0.44 . tcp . 80 : goto service-LAUZTJTB-ns4/svc4/tcp/p80 }",
            "add element ip kube-proxy service-ips { 192.168.99.33 . tcp . 80 : goto external-LAUZTJTB-ns4/svc4/tcp/p80 }",

            "add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }",
            "add chain ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80",
            T + "service-HVFWP5L3-ns5/svc5/tcp/p80 ip daddr 172.30.0.45 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
            T + "service-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80",
            T + "service-HVFWP5L3-ns5/svc5/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 }",
            "add chain ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80",
            T + "external-HVFWP5L3-ns5/svc5/tcp/p80 jump mark-for-masquerade",
            T + "external-HVFWP5L3-ns5/svc5/tcp/p80 goto service-HVFWP5L3-ns5/svc5/tcp/p80",
            "add chain ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80",
            T + "endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade",
            T + "endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr }",
            T + "endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80",
            "add chain ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80",
            T + "firewall-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr != { 203.0.113.0/25 } drop",
            "add element ip kube-proxy cluster-ips { 172.30.0.45 }",
            "add element ip kube-proxy service-ips { 172.30.0.45 . tcp . 80 : goto service-HVFWP5L3-ns5/svc5/tcp/p80 }",
            "add element ip kube-proxy service-ips { 5.6.7.8 . tcp . 80 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }",
            "add element ip kube-proxy service-nodeports { tcp . 3002 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }",
            "add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80 }",

            "add element ip kube-proxy cluster-ips { 172.30.0.46 }",
            "add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment \"ns6/svc6:p80\" : goto reject-chain }");

    private static final Node NODE = Fixtures.node("test-node", "192.168.0.2", "10.0.1.0/24", false);

    private static Service service(String ns, String name, String clusterIp, Consumer<ServiceBuilder> edit) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).addNewPort().withName("p80").withPort(80)
                .withProtocol("TCP").withTargetPort(new IntOrString(80)).endPort().endSpec();
        edit.accept(b);
        return b.build();
    }

    /** A slice of ready endpoints on port p80/80; an endpoint "ip@node" names its node, a bare ip has none. */
    private static EndpointSlice slice(String ns, String name, String... endpoints) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name + "-1")
                .addToLabels("kubernetes.io/service-name", name).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("p80").withPort(80).withProtocol("TCP").endPort();
        for (String e : endpoints) {
            String[] parts = e.split("@");
            b.addNewEndpoint().withAddresses(parts[0]).withNodeName(parts.length > 1 ? parts[1] : null).endEndpoint();
        }
        return b.build();
    }

    private static List<Service> upstreamServices() {
        return List.of(
                service("ns1", "svc1", "172.30.0.41", b -> { }),
                service("ns2", "svc2", "172.30.0.42", b -> b.editSpec().withType("LoadBalancer").withExternalTrafficPolicy("Local")
                        .editFirstPort().withNodePort(3001).endPort().withExternalIPs("192.168.99.22").endSpec()
                        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("1.2.3.4").endIngress().endLoadBalancer().endStatus()),
                service("ns3", "svc3", "172.30.0.43", b -> b.editSpec().withType("NodePort").editFirstPort().withNodePort(3003).endPort().endSpec()),
                service("ns4", "svc4", "172.30.0.44", b -> b.editSpec().withType("NodePort").withExternalIPs("192.168.99.33").endSpec()),
                service("ns5", "svc5", "172.30.0.45", b -> b.editSpec().withType("LoadBalancer").withExternalTrafficPolicy("Cluster")
                        .editFirstPort().withNodePort(3002).endPort().withLoadBalancerSourceRanges(" 203.0.113.0/25")
                        .withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(10800)
                        .endClientIP().endSessionAffinityConfig().endSpec()
                        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("5.6.7.8").endIngress().endLoadBalancer().endStatus()),
                service("ns6", "svc6", "172.30.0.46", b -> { }));
    }

    private static List<EndpointSlice> upstreamSlices() {
        return List.of(slice("ns1", "svc1", "10.180.0.1"), slice("ns2", "svc2", "10.180.0.2"), slice("ns3", "svc3", "10.180.0.3"),
                slice("ns4", "svc4", "10.180.0.4", "10.180.0.5@test-node"), slice("ns5", "svc5", "10.180.0.3"));
    }

    private static KubeProxyNft.Ruleset upstreamRuleset() {
        return KubeProxyNft.render(NODE, upstreamServices(), upstreamSlices(), "10.0.0.0/8", "172.30.0.0/16");
    }

    @Test
    void theTableIsUpstreamsOverallNFTablesRulesLineForLine() {
        // knftables' fake dump sorts; compare as sets, and also that nothing is written twice
        List<String> lines = upstreamRuleset().lines();
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(SERVICES);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(lines));
        assertEquals(expected.size(), lines.size(), "a line written twice");
    }

    @Test
    void hashesAreHashAndTruncateOfTheSlashSeparatedName() {
        assertEquals("ULMVA6XW-ns1/svc1/tcp/p80", KubeProxyNft.hashAndTruncate("ns1/svc1/tcp/p80"));
        assertEquals("5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80", KubeProxyNft.hashAndTruncate("ns1/svc1/tcp/p80__10.180.0.1/80"));
        String longName = "n".repeat(300);
        assertEquals(240, KubeProxyNft.hashAndTruncate(longName).length());
        assertTrue(KubeProxyNft.hashAndTruncate(longName).endsWith("..."));
    }

    @Test
    void theCheckCanFailAWrongLayoutIsNotUpstreams() {
        // a Local Service treated as Cluster (no short-circuit rules) must not pass the comparison above
        List<Service> services = new ArrayList<>(upstreamServices());
        services.get(1).getSpec().setExternalTrafficPolicy("Cluster");
        List<String> lines = KubeProxyNft.render(NODE, services, upstreamSlices(), "10.0.0.0/8", "172.30.0.0/16").lines();
        assertFalse(lines.contains(T + "external-42NFTM6N-ns2/svc2/tcp/p80 ip saddr 10.0.0.0/8 goto service-42NFTM6N-ns2/svc2/tcp/p80 comment \"short-circuit pod traffic\""));
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(SERVICES);
        assertFalse(new TreeSet<>(expected).equals(new TreeSet<>(lines)));
    }

    @Test
    void countersGoBetweenMatchAndVerdict() {
        String tx = KubeProxyNft.transaction(null, upstreamRuleset(), true);
        assertTrue(tx.contains(T + "service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 counter jump mark-for-masquerade\n"), tx);
        assertTrue(tx.contains(T + "services counter ip daddr . meta l4proto . th dport vmap @service-ips\n"), tx);
        assertFalse(KubeProxyNft.transaction(null, upstreamRuleset(), false).contains(" counter "));
    }

    @Test
    void aServiceThatGoesAwayHasItsChainsAndAffinitySetDeleted() {
        KubeProxyNft.Ruleset before = upstreamRuleset();
        List<Service> fewer = new ArrayList<>(upstreamServices());
        fewer.remove(4);
        KubeProxyNft.Ruleset after = KubeProxyNft.render(NODE, fewer, upstreamSlices(), "10.0.0.0/8", "172.30.0.0/16");
        List<String> tx = Arrays.asList(KubeProxyNft.transaction(before, after, false).split("\n"));
        assertTrue(tx.contains("delete chain ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80"), tx.toString());
        assertTrue(tx.contains("delete chain ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80"));
        assertTrue(tx.contains("delete set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80"));
        assertTrue(tx.contains("flush map ip kube-proxy service-ips"));
        assertFalse(tx.stream().anyMatch(l -> l.startsWith("delete chain") && l.contains("svc1")));
    }

    @Test
    void aNewProcessStartsFromTheTableAsListedAndStillDeletesWhatWentAway() {
        // what `nft list table ip kube-proxy` shows of the ns5 objects (a live verb's sync starts from this)
        String listing = String.join("\n", "table ip kube-proxy {",
                "\tset affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 {", "\t\ttype ipv4_addr", "\t}",
                "\tmap service-ips {", "\t\ttype ipv4_addr . inet_proto . inet_service : verdict", "\t}",
                "\tchain services {", "\t\tip daddr . meta l4proto . th dport vmap @service-ips", "\t}",
                "\tchain service-HVFWP5L3-ns5/svc5/tcp/p80 {", "\t}", "}");
        List<Service> fewer = new ArrayList<>(upstreamServices());
        fewer.remove(4);
        KubeProxyNft.Ruleset after = KubeProxyNft.render(NODE, fewer, upstreamSlices(), "10.0.0.0/8", "172.30.0.0/16");
        List<String> tx = Arrays.asList(KubeProxyNft.transaction(KubeProxyNft.Ruleset.listed(listing), after, false).split("\n"));
        assertTrue(tx.contains("delete chain ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80"), tx.toString());
        assertTrue(tx.contains("delete set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80"), tx.toString());
        assertFalse(tx.stream().anyMatch(l -> l.equals("delete chain ip kube-proxy services")));
    }

    @Test
    void nftLoadsTheTransactionAndTheNextOneInAThrowAwayNamespace() {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/nft") && Fixtures.executable("/usr/bin/unshare")
                && Fixtures.run(null, "/usr/bin/unshare", "-n", "true").exitCode() == 0, "needs nft and unshare -n (root)");
        KubeProxyNft.Ruleset before = upstreamRuleset();
        List<Service> fewer = new ArrayList<>(upstreamServices());
        fewer.remove(4);
        KubeProxyNft.Ruleset after = KubeProxyNft.render(NODE, fewer, upstreamSlices(), "10.0.0.0/8", "172.30.0.0/16");
        Fixtures.Result r = Fixtures.run(null, "/usr/bin/unshare", "-n", "/bin/sh", "-c",
                "printf '%s' \"$1\" | nft -f - || exit 3; printf '%s' \"$2\" | nft -f - || exit 4; nft list table ip kube-proxy", "sh",
                KubeProxyNft.transaction(null, before, true), KubeProxyNft.transaction(before, after, true));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("chain service-ULMVA6XW-ns1/svc1/tcp/p80"), r.output());
        assertFalse(r.output().contains("svc5"), r.output());
        assertTrue(r.output().contains("counter packets 0 bytes 0"), r.output());
    }
}

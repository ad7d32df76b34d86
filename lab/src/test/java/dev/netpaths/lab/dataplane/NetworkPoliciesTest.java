package dev.netpaths.lab.dataplane;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.Manifests;
import dev.netpaths.lab.net.Ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkPoliciesTest {
    private final Fixtures.Cluster cluster = Fixtures.cluster();

    private String render(String node, List<HasMetadata> objects) {
        return NetworkPolicies.render(cluster.node(node), Manifests.ofType(objects, NetworkPolicy.class), cluster.pods(),
                ClusterAddons.namespaces(objects));
    }

    private Pod pod(String prefix) {
        return cluster.pods().stream().filter(p -> p.getMetadata().getName().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static String chain(Pod pod) {
        return "NETPATHS-NP-" + KubeProxy.chainHash(Kube.key(pod));
    }

    private static List<String> rules(String text, String chain) {
        return Arrays.stream(text.split("\n")).filter(l -> l.startsWith("-A " + chain + " ")).toList();
    }

    @Test
    void theRestrictedPodAcceptsOnlyTheNodeAndEstablishedTraffic() {
        Pod restricted = pod("echo-restricted-");
        String text = render(restricted.getSpec().getNodeName(), cluster.objects());
        String chain = chain(restricted);
        assertTrue(text.contains("-A NETPATHS-NP-FORWARD -d " + restricted.getStatus().getPodIP() + "/32 -m comment --comment "
                + Kube.key(restricted) + " -j " + chain), text);
        String nodeIp = cluster.node(restricted.getSpec().getNodeName()).getStatus().getAddresses().get(0).getAddress();
        assertEquals(List.of(
                "-A " + chain + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A " + chain + " -s " + nodeIp + "/32 -m comment --comment \"from node " + restricted.getSpec().getNodeName() + "\" -j ACCEPT",
                "-A " + chain + " -m comment --comment \"" + Kube.key(restricted) + " isolated for ingress\" -j DROP"),
                rules(text, chain));
    }

    @Test
    void echoInTheOtherNamespaceAcceptsTheAllowedNamespacesOnTheNamedPort() {
        Pod echo = cluster.pods("netpaths-other", "echo-service").get(0);
        String text = render(echo.getSpec().getNodeName(), cluster.objects());
        List<String> accepted = rules(text, chain(echo)).stream().filter(l -> l.contains("ingress[0]")).toList();
        List<String> expectedSources = cluster.pods().stream()
                .filter(p -> List.of("netpaths", "ingress-nginx", "envoy-gateway-system", "istio-system").contains(p.getMetadata().getNamespace()))
                .map(p -> p.getStatus().getPodIP()).sorted((a, b) -> Long.compare(Ipv4.parse(a), Ipv4.parse(b))).toList();
        assertEquals(expectedSources.stream().map(ip -> "-A " + chain(echo) + " -s " + ip
                + "/32 -p tcp -m tcp --dport 8080 -m comment --comment \"netpaths-other/echo ingress[0]\" -j ACCEPT").toList(), accepted);
        assertFalse(accepted.stream().anyMatch(l -> l.contains(pod("coredns-").getStatus().getPodIP() + "/32")));
    }

    @Test
    void podsNoPolicySelectsAreUntouched() {
        Pod caller = cluster.pods("netpaths", "caller-service").get(0);
        assertFalse(render(caller.getSpec().getNodeName(), cluster.objects()).contains(chain(caller)));
    }

    @Test
    void ipBlocksWithExceptsReturnTheExceptionsFirst() {
        List<HasMetadata> objects = new java.util.ArrayList<>(cluster.objects());
        objects.addAll(Manifests.parse("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-node-network, namespace: netpaths}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: caller-service}}
                  ingress:
                    - from: [{ipBlock: {cidr: 172.18.0.0/16, except: [172.18.0.4/32]}}]
                      ports: [{port: 30000, endPort: 30010}]
                """));
        Pod caller = cluster.pods("netpaths", "caller-service").stream()
                .filter(p -> p.getSpec().getNodeName().equals("netpaths-worker")).findFirst().orElseThrow();
        String text = render("netpaths-worker", objects);
        String block = "NETPATHS-NB-" + KubeProxy.chainHash(Kube.key(caller) + "|netpaths/from-node-network|0|0");
        assertEquals(List.of("-A " + block + " -s 172.18.0.4/32 -j RETURN", "-A " + block + " -s 172.18.0.0/16 -j ACCEPT"),
                rules(text, block));
        assertTrue(text.contains("-A " + chain(caller) + " -p tcp -m tcp --dport 30000:30010 -m comment --comment "
                + "\"netpaths/from-node-network ingress[0]\" -j " + block), text);
        if (Fixtures.canTestIptables()) {
            Fixtures.Result applied = Fixtures.iptablesApply(NetworkPolicies.hookRules(), text);
            assertEquals(0, applied.exitCode(), applied.output());
        }
    }

    @Test
    void aBadIpBlockNamesThePolicy() {
        List<HasMetadata> objects = new java.util.ArrayList<>(cluster.objects());
        objects.addAll(Manifests.parse("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: broken, namespace: netpaths}
                spec:
                  podSelector: {}
                  ingress: [{from: [{ipBlock: {cidr: 300.1.2.0/24}}]}]
                """));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> render("netpaths-worker", objects));
        assertTrue(e.getMessage().startsWith("NetworkPolicy netpaths/broken: bad ipBlock"), e.getMessage());
    }

    @Test
    void theRulesLoadIntoRealIptablesBesideKubeProxys() {
        Assumptions.assumeTrue(Fixtures.canTestIptables(), "needs root, unshare and iptables-restore");
        String text = render("netpaths-worker2", cluster.objects());
        Fixtures.Result result = Fixtures.iptablesApply(KubeProxy.hookRules(), NetworkPolicies.hookRules(), text, text);
        assertEquals(0, result.exitCode(), result.output());
        List<String> forward = result.output().lines().filter(l -> l.startsWith("-A FORWARD ")).toList();
        assertEquals("-A FORWARD -m comment --comment \"netpaths network policy\" -j NETPATHS-NP-FORWARD", forward.get(0));
    }

    private static final String CALLER_EGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: caller-egress, namespace: netpaths}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/name: caller-service}}
              policyTypes: [Egress]
              egress:
                - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},
                        podSelector: {matchLabels: {k8s-app: kube-dns}}}]
                  ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
                - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: netpaths-other}}}]
                - to: [{ipBlock: {cidr: 172.18.0.0/16, except: [172.18.255.0/24]}}]
            """;

    /** Calico/weave-npc: a pod selected for Egress may send only what a rule allows, matched after DNAT. */
    @Test
    void egressAllowsTheDnsPodsAndTheListedPeersAndDropsTheRest() {
        java.util.List<HasMetadata> objects = new java.util.ArrayList<>(cluster.objects());
        objects.addAll(Manifests.parse(CALLER_EGRESS));
        Pod caller = pod("caller-");
        Pod dns = cluster.pods().stream().filter(p -> "kube-dns".equals(Kube.labels(p).get("k8s-app"))).findFirst().orElseThrow();
        String text = render(caller.getSpec().getNodeName(), objects);
        String chain = "NETPATHS-NE-" + KubeProxy.chainHash(Kube.key(caller));
        assertTrue(text.contains("-A " + NetworkPolicies.FORWARD_CHAIN + " -s " + Kube.podIp(caller) + "/32 -m comment --comment \""
                + Kube.key(caller) + " egress\" -j " + chain), text);
        List<String> egress = rules(text, chain);
        assertEquals("-A " + chain + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", egress.get(0));
        assertTrue(egress.contains("-A " + chain + " -d " + Kube.podIp(dns) + "/32 -p udp -m udp --dport 53 -m comment --comment "
                + "\"netpaths/caller-egress egress[0]\" -j RETURN"), egress.toString());
        assertTrue(egress.contains("-A " + chain + " -d " + Kube.podIp(dns) + "/32 -p tcp -m tcp --dport 53 -m comment --comment "
                + "\"netpaths/caller-egress egress[0]\" -j RETURN"), egress.toString());
        cluster.pods().stream().filter(p -> Kube.namespace(p).equals("netpaths-other")).forEach(p -> assertTrue(
                egress.stream().anyMatch(l -> l.contains("-d " + Kube.podIp(p) + "/32 ") && l.contains("egress[1]")), p + " " + egress));
        assertTrue(egress.stream().noneMatch(l -> l.contains("egress[1]") && l.contains(Kube.podIp(pod("echo-v2-")) + "/32")),
                "a pod in netpaths is no egress[1] peer: " + egress);
        assertEquals("-A " + chain + " -m comment --comment \"" + Kube.key(caller) + " isolated for egress\" -j DROP",
                egress.get(egress.size() - 1));
        // egress jumps come before the ingress checks, so an allowed packet still meets the destination's policy
        List<String> forward = rules(text, NetworkPolicies.FORWARD_CHAIN);
        assertTrue(forward.get(0).contains(" egress\" -j NETPATHS-NE-"), forward.toString());
        // without the policy the caller is not isolated for egress
        assertFalse(render(caller.getSpec().getNodeName(), cluster.objects()).contains("NETPATHS-NE-"));
        if (Fixtures.canTestIptables()) {
            Fixtures.Result applied = Fixtures.iptablesApply(KubeProxy.hookRules(), NetworkPolicies.hookRules(), text);
            assertEquals(0, applied.exitCode(), applied.output());
        }
    }

    @Test
    void egressPolicyTypesDefaultFromTheRulesAndNamedEgressPortsAreRefused() {
        java.util.List<HasMetadata> implicit = new java.util.ArrayList<>(cluster.objects());
        implicit.addAll(Manifests.parse(CALLER_EGRESS.replace("policyTypes: [Egress]", "policyTypes: []")));
        Pod caller = pod("caller-");
        assertTrue(render(caller.getSpec().getNodeName(), implicit).contains("NETPATHS-NE-"),
                "unset policyTypes with egress rules mean Egress");
        java.util.List<HasMetadata> named = new java.util.ArrayList<>(cluster.objects());
        named.addAll(Manifests.parse(CALLER_EGRESS.replace("port: 53}, {protocol: TCP, port: 53}", "port: dns}")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> render(caller.getSpec().getNodeName(), named));
        assertTrue(e.getMessage().contains("the lab does not model named ports in egress rules"), e.getMessage());
    }
}

package dev.netpaths.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.addons.ClusterDns;
import dev.netpaths.lab.addons.GatewayNginx;
import dev.netpaths.lab.addons.GatewayPolicies;
import dev.netpaths.lab.addons.IngressNginx;
import dev.netpaths.lab.addons.IstioNginx;
import dev.netpaths.lab.addons.MetalLb;
import dev.netpaths.lab.addons.NginxPaths;
import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.Manifests;
import dev.netpaths.lab.dataplane.KubeProxy;
import dev.netpaths.lab.dataplane.NetworkPolicies;
import dev.netpaths.lab.net.Ipv4;
import dev.netpaths.testsupport.Tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole control pipeline on the repository's own manifests ({@code k8s/overlays/kind} and {@code gateway-config/}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepoManifestsTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private Fixtures.Cluster cluster;
    private List<HasMetadata> objects;

    @BeforeAll
    void render() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(REPO.resolve("k8s/overlays/kind")) && Files.isDirectory(REPO.resolve("gateway-config")),
                "needs the repo's manifests");
        Tool kubectl = Tool.find("kubectl (with kustomize)", "make deps, or set NETPATHS_KUBECTL", "NETPATHS_KUBECTL", "kubectl");
        Assumptions.assumeTrue(kubectl.usable(), kubectl.missing());
        Fixtures.Result kustomize = Fixtures.run(null, kubectl.get().toString(), "kustomize", REPO.resolve("k8s/overlays/kind").toString());
        assertEquals(0, kustomize.exitCode(), kustomize.output());
        objects = new ArrayList<>(Manifests.parse(kustomize.output()));
        try (Stream<Path> files = Files.walk(REPO.resolve("gateway-config"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(Manifests.parse(Files.readString(file)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        objects.addAll(ClusterAddons.addons(Fixtures.DNS_IP, IngressNginx.Controller.NGINX_INC, objects));
        cluster = Fixtures.cluster(objects);
    }

    @Test
    void workloadsLandAsTheArchitectureSays() {
        List<String> echoNodes = cluster.pods().stream()
                .filter(p -> p.getMetadata().getNamespace().equals("netpaths") && p.getMetadata().getName().matches("echo-[a-z0-9]+-[a-z0-9]{5}"))
                .map(p -> p.getSpec().getNodeName()).toList();
        assertEquals(2, echoNodes.size());
        assertEquals(2, echoNodes.stream().distinct().count(), "echo is spread over nodes: " + echoNodes);
        List<String> callerNodes = cluster.pods().stream()
                .filter(p -> p.getMetadata().getNamespace().equals("netpaths") && p.getMetadata().getName().matches("caller-[a-z0-9]{5}"))
                .map(p -> p.getSpec().getNodeName()).sorted().toList();
        assertEquals(cluster.nodes().stream().map(n -> n.getMetadata().getName()).sorted().toList(), callerNodes);
    }

    @Test
    void servicesKeepTheirFixedNodePortsAndGetAPoolAddress() {
        assertEquals(List.of(30080, 30081), cluster.service("netpaths", "echo-nodeport").getSpec().getPorts().stream()
                .map(p -> p.getNodePort()).toList());
        assertEquals(30090, cluster.service("netpaths", "echo-local").getSpec().getPorts().get(0).getNodePort());
        long ip = Ipv4.parse(MetalLb.ingressIp(cluster.service("netpaths", "echo-lb")));
        assertTrue(ip >= Ipv4.parse("172.18.255.200") && ip <= Ipv4.parse("172.18.255.250"));
        assertTrue(cluster.services().stream().filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
                .allMatch(s -> MetalLb.ingressIp(s) != null));
    }

    @Test
    void everyNodesDataPlaneLoadsIntoIptables() {
        Assumptions.assumeTrue(Fixtures.canTestIptables(), "needs root, unshare and iptables-restore");
        for (Node node : cluster.nodes()) {
            String proxy = KubeProxy.render(node, cluster.services(), cluster.slices(), Fixtures.CLUSTER_CIDR);
            String policy = NetworkPolicies.render(node, Manifests.ofType(objects, NetworkPolicy.class), cluster.pods(),
                    ClusterAddons.namespaces(objects));
            Fixtures.Result result = Fixtures.iptablesApply(KubeProxy.hookRules(), NetworkPolicies.hookRules(), proxy, policy,
                    KubeProxy.renderPodMasquerade(node.getSpec().getPodCIDR(), Fixtures.CLUSTER_CIDR));
            assertEquals(0, result.exitCode(), node.getMetadata().getName() + ": " + result.output());
        }
    }

    /** echo-restricted admits one pod, the trusted prober (its positive control); the prober takes commands on 8080 from anywhere. */
    @Test
    void theRestrictedEchoIsIsolatedButForTheTrustedProber() {
        Pod restricted = pod("echo-restricted-");
        Pod prober = pod("caller-trusted-");
        List<NetworkPolicy> policies = Manifests.ofType(objects, NetworkPolicy.class);
        String policy = NetworkPolicies.render(cluster.node(restricted.getSpec().getNodeName()), policies, cluster.pods(),
                ClusterAddons.namespaces(objects));
        String chain = "NETPATHS-NP-" + KubeProxy.chainHash(Kube.key(restricted));
        assertTrue(policy.contains("-A " + chain + " -m comment --comment \"" + Kube.key(restricted) + " isolated for ingress\" -j DROP"), policy);
        assertEquals(List.of("-s " + Kube.podIp(prober) + "/32"), policy.lines()
                        .filter(l -> l.startsWith("-A " + chain + " ") && l.contains("-s 10.244."))
                        .map(l -> l.replaceAll(".*(-s \\S+).*", "$1")).toList(),
                "only the trusted prober may reach echo-restricted: " + policy);
        String proberRules = NetworkPolicies.render(cluster.node(prober.getSpec().getNodeName()), policies, cluster.pods(),
                ClusterAddons.namespaces(objects));
        String proberChain = "NETPATHS-NP-" + KubeProxy.chainHash(Kube.key(prober));
        assertEquals(List.of("-A " + proberChain + " -p tcp -m tcp --dport 8080 -m comment --comment \"netpaths-other/caller-trusted "
                        + "ingress[0]\" -j ACCEPT"), proberRules.lines().filter(l -> l.startsWith("-A " + proberChain + " ")
                        && l.contains("caller-trusted ingress")).toList(),
                "the harness commands the prober on 8080 from any source: " + proberRules);
    }

    private Pod pod(String prefix) {
        return cluster.pods().stream().filter(p -> p.getMetadata().getName().startsWith(prefix)).findFirst().orElseThrow();
    }

    /**
     * The reference egress policy (k8s/components/network-policies/caller-egress.yaml) isolates every caller: its
     * DNS to the kube-dns pods and 8080/TCP into netpaths-other return to the ingress checks, 5005/UDP into
     * netpaths-other meets the chain's DROP (the harness's blocked egress cell); without the policy nothing is
     * isolated for egress, as on a CNI that enforces policy.
     */
    @Test
    void theCallersEgressPolicyIsolatesEveryCallerAndLeavesOtherUdpToTheDrop() {
        List<NetworkPolicy> policies = Manifests.ofType(objects, NetworkPolicy.class);
        List<Pod> otherEcho = cluster.pods().stream().filter(p -> Kube.namespace(p).equals("netpaths-other")
                && "echo-service".equals(Kube.labels(p).get("app.kubernetes.io/name"))).toList();
        assertEquals(2, otherEcho.size());
        List<Pod> callers = cluster.pods().stream().filter(p -> Kube.namespace(p).equals("netpaths")
                && "caller-service".equals(Kube.labels(p).get("app.kubernetes.io/name"))).toList();
        assertEquals(cluster.nodes().size(), callers.size());
        for (Pod caller : callers) {
            String text = NetworkPolicies.render(cluster.node(caller.getSpec().getNodeName()), policies, cluster.pods(),
                    ClusterAddons.namespaces(objects));
            String chain = "NETPATHS-NE-" + KubeProxy.chainHash(Kube.key(caller));
            List<String> egress = text.lines().filter(l -> l.startsWith("-A " + chain + " ")).toList();
            assertTrue(!egress.isEmpty(), "caller-egress must select " + Kube.key(caller) + ": " + text);
            for (Pod echo : otherEcho) {
                String to = "-d " + Kube.podIp(echo) + "/32 ";
                assertTrue(egress.stream().anyMatch(l -> l.contains(to) && l.contains("-p tcp -m tcp --dport 8080")), egress.toString());
                assertTrue(egress.stream().noneMatch(l -> l.contains(to) && (l.contains("-p udp") || !l.contains("--dport"))),
                        "nothing but 8080/TCP may be allowed into netpaths-other: " + egress);
            }
            assertEquals("-A " + chain + " -m comment --comment \"" + Kube.key(caller) + " isolated for egress\" -j DROP",
                    egress.get(egress.size() - 1));
        }
        List<NetworkPolicy> withoutEgress = policies.stream().filter(p -> !p.getMetadata().getName().equals("caller-egress")).toList();
        assertTrue(!NetworkPolicies.render(cluster.node(callers.get(0).getSpec().getNodeName()), withoutEgress, cluster.pods(),
                ClusterAddons.namespaces(objects)).contains("NETPATHS-NE-"), "without the policy no caller is isolated for egress");
    }

    @Test
    void theEntryPointConfigsPassNginxAndTheDeniedReferenceIsReported(@TempDir Path dir) throws IOException {
        NginxPaths paths = new NginxPaths(dir.toString(), 80);
        List<Gateway> gateways = Manifests.ofType(objects, Gateway.class);
        List<HTTPRoute> routes = Manifests.ofType(objects, HTTPRoute.class);
        List<ReferenceGrant> grants = Manifests.ofType(objects, ReferenceGrant.class);
        List<String> configs = List.of(
                IngressNginx.render(IngressNginx.Controller.NGINX_INC, Manifests.ofType(objects, IngressClass.class),
                        Manifests.ofType(objects, Ingress.class), cluster.services(), cluster.slices(), paths),
                GatewayNginx.render(Manifests.ofType(objects, GatewayClass.class), gateways, routes, grants,
                        ClusterAddons.namespaces(objects), cluster.services(), cluster.slices(), paths,
                        GatewayPolicies.read(objects, Manifests.ofType(objects, io.fabric8.kubernetes.api.model.Secret.class))),
                IstioNginx.render(Manifests.ofKind(objects, "networking.istio.io", "Gateway"),
                        Manifests.ofKind(objects, "networking.istio.io", "VirtualService"), cluster.services(), cluster.slices(), paths));
        assertTrue(configs.get(0).contains("server_name ingress.netpaths.test;"));
        assertTrue(configs.get(1).contains("server_name gateway.netpaths.test;"));
        // gateway-config/gateway-api/'s SecurityPolicy echo-keyed and BackendTrafficPolicy echo-limited, on their rules
        assertTrue(configs.get(1).contains("rules[6] PathPrefix /keyed, API key (netpaths/echo-keyed)\n")
                && configs.get(1).contains("rules[7] PathPrefix /limited, rate limit 10/m (netpaths/echo-limited)\n")
                && configs.get(1).contains("limit_req_zone $np_limit_0 zone=np_limit_0:1m rate=10r/m;"), configs.get(1));
        assertTrue(configs.get(2).contains("server_name istio.netpaths.test;"));
        if (Fixtures.hasNginx()) {
            for (String conf : configs) {
                Fixtures.Result result = Fixtures.nginxTest(dir, conf);
                assertEquals(0, result.exitCode(), result.output());
            }
        }
        Service envoy = cluster.service("envoy-gateway-system", "envoy-netpaths-gateway");
        GatewayNginx.writeStatus(Manifests.ofType(objects, GatewayClass.class), gateways, routes, grants,
                ClusterAddons.namespaces(objects), cluster.services(), MetalLb.ingressIp(envoy));
        assertEquals("RefNotPermitted", routes.get(0).getStatus().getParents().get(0).getConditions().get(1).getReason());
        assertEquals(MetalLb.ingressIp(envoy), gateways.get(0).getStatus().getAddresses().get(0).getValue());
    }

    @Test
    void dnsmasqAcceptsTheClusterRecords() {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/dnsmasq"), "needs dnsmasq");
        List<String> command = new ArrayList<>(List.of("/usr/sbin/dnsmasq", "--test"));
        command.addAll(ClusterDns.dnsmasqArgs(cluster.services(), cluster.slices(), cluster.pods(), "cluster.local"));
        Fixtures.Result result = Fixtures.run(null, command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(command.stream().anyMatch(a -> a.startsWith("--cname=echo-other.netpaths.svc.cluster.local,")), command.toString());
    }
}

package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;

import java.util.List;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetalLbTest {
    private static List<GenericKubernetesResource> pools(String yaml) {
        return Manifests.ofKind(Manifests.parse(yaml), "metallb.io", "IPAddressPool");
    }

    private static Service lb(String name, String annotationIp) {
        ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withName(name).withNamespace("netpaths").endMetadata()
                .withNewSpec().withType("LoadBalancer").endSpec();
        if (annotationIp != null) {
            builder.editMetadata().addToAnnotations("metallb.universe.tf/loadBalancerIPs", annotationIp).endMetadata();
        }
        return builder.build();
    }

    @Test
    void assignsTheLowestFreeAddressesRequestsFirst() {
        List<GenericKubernetesResource> pools = pools("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: b-pool, namespace: metallb-system}
                spec: {addresses: [172.18.255.200-172.18.255.201, 172.18.254.0/31]}
                """);
        List<Service> services = List.of(lb("a", null), lb("b", "172.18.255.200"), lb("c", null), lb("d", null));
        MetalLb.assign(services, pools);
        assertEquals(List.of("172.18.255.201", "172.18.255.200", "172.18.254.0", "172.18.254.1"),
                services.stream().map(MetalLb::ingressIp).toList());
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> MetalLb.assign(List.of(lb("a", null),
                lb("b", null), lb("c", null), lb("d", null), lb("e", null)), pools));
        assertTrue(full.getMessage().startsWith("Service netpaths/e: no free address"), full.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> MetalLb.assign(List.of(lb("x", "10.0.0.1")), pools));
        assertTrue(outside.getMessage().contains("netpaths/x"), outside.getMessage());
    }

    @Test
    void clusterPolicyAnnouncesFromAStableHashChoiceAmongWorkers() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        Service lb = cluster.service("netpaths", "echo-lb");
        String node = MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(), cluster.metallb());
        // kind's control plane carries node.kubernetes.io/exclude-from-external-load-balancers
        assertTrue(List.of("netpaths-worker", "netpaths-worker2").contains(node), node);
        assertEquals(node, MetalLb.announcingNode(lb, cluster.slices(), List.of(cluster.nodes().get(2), cluster.nodes().get(1)), cluster.metallb()));
    }

    @Test
    void localPolicyAnnouncesOnlyFromANodeWithAReadyEndpoint() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        Service lb = cluster.service("netpaths", "echo-lb");
        lb.getSpec().setExternalTrafficPolicy("Local");
        String worker2Pod = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> p.getSpec().getNodeName().equals("netpaths-worker2")
                        && "v1".equals(p.getMetadata().getLabels().get("version")))
                .findFirst().orElseThrow().getMetadata().getName();
        Fixtures.Cluster onlyWorker = Fixtures.cluster(worker2Pod);
        List<EndpointSlice> slices = onlyWorker.slices();
        assertEquals("netpaths-worker", MetalLb.announcingNode(lb, slices, cluster.nodes(), cluster.metallb()));
        List<Node> workerDown = List.of(cluster.nodes().get(0), Fixtures.node("netpaths-worker", "172.18.0.3", "10.244.1.0/24", false),
                cluster.nodes().get(2));
        workerDown.get(1).getStatus().getConditions().get(0).setStatus("False");
        assertNull(MetalLb.announcingNode(lb, slices, workerDown, cluster.metallb()));
    }

    private static List<GenericKubernetesResource> withL2(Fixtures.Cluster cluster, String l2Spec) {
        List<GenericKubernetesResource> objects = new java.util.ArrayList<>(cluster.metallb().stream()
                .filter(g -> "IPAddressPool".equals(g.getKind())).toList());
        if (l2Spec != null) {
            objects.addAll(Manifests.ofKind(Manifests.parse("""
                    apiVersion: metallb.io/v1beta1
                    kind: L2Advertisement
                    metadata: {name: l2, namespace: metallb-system}
                    spec: %s
                    """.formatted(l2Spec)), "metallb.io", "L2Advertisement"));
        }
        return objects;
    }

    /** layer2_controller.go poolMatchesNodeL2: an address whose pool no L2Advertisement covers is not announced. */
    @Test
    void announcesOnlyAddressesOfPoolsAnL2AdvertisementCovers() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        Service lb = cluster.service("netpaths", "echo-lb");
        String elected = MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(), cluster.metallb());
        assertTrue(List.of("netpaths-worker", "netpaths-worker2").contains(elected), elected);
        assertNull(MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(), withL2(cluster, null)),
                "no L2Advertisement: the VIP goes dark");
        assertNull(MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(), withL2(cluster, "{ipAddressPools: [other-pool]}")));
        assertEquals(elected, MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(), withL2(cluster, "{}")),
                "an L2Advertisement without pools covers every pool");
        assertNull(MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(),
                withL2(cluster, "{ipAddressPoolSelectors: [{matchLabels: {tier: gold}}]}")));
        assertNull(MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(), withL2(cluster, "{interfaces: [eth9]}")));
        String other = elected.equals("netpaths-worker") ? "netpaths-worker2" : "netpaths-worker";
        assertEquals(other, MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(),
                withL2(cluster, "{nodeSelectors: [{matchLabels: {kubernetes.io/hostname: " + other + "}}]}")),
                "nodeSelectors restrict the candidates");
        assertNull(MetalLb.announcingNode(lb, cluster.slices(), cluster.nodes(),
                withL2(cluster, "{nodeSelectors: [{matchLabels: {kubernetes.io/hostname: netpaths-control-plane}}]}")),
                "the excluded control plane is never elected, even when selected");
    }

    /** layer2_controller.go activeEndpointExists: with no ready endpoint no speaker announces, whatever the policy. */
    @Test
    void announcesNothingBeforeAnEndpointIsReady() {
        List<String> all = Fixtures.cluster().pods("netpaths", "echo-service").stream()
                .map(p -> p.getMetadata().getName()).toList();
        Fixtures.Cluster none = Fixtures.cluster(all.toArray(String[]::new));
        Service lb = none.service("netpaths", "echo-lb");
        assertEquals("Cluster", lb.getSpec().getExternalTrafficPolicy());
        assertNull(MetalLb.announcingNode(lb, none.slices(), none.nodes(), none.metallb()));
    }
}

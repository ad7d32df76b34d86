package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.Manifests;
import dev.netpaths.lab.api.ServiceAllocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterAddonsTest {
    @Test
    void everyAddOnPodHasExactlyOneAddOnAndMetalLbRunsWithoutOne() {
        for (IngressNginx.Controller controller : IngressNginx.Controller.values()) {
            List<Optional<ClusterAddons.Addon>> pods = ClusterAddons.of(controller).stream().map(AddOn::pod).toList();
            assertEquals(List.of(Optional.of(ClusterAddons.Addon.DNS), Optional.of(ClusterAddons.Addon.ingress(controller)),
                    Optional.of(ClusterAddons.Addon.ENVOY_GATEWAY), Optional.of(ClusterAddons.Addon.ISTIO_GATEWAY), Optional.empty()), pods);
        }
    }

    @Test
    void eachPodAddOnNamesItsStandInAndMetalLbHasNone() {
        for (AddOn a : ClusterAddons.of(IngressNginx.Controller.NGINX_INC)) {
            if (a.pod().isEmpty()) {
                assertThrows(UnsupportedOperationException.class, a::standIn);
            } else {
                assertEquals(a.pod().get() == ClusterAddons.Addon.DNS ? AddOn.StandIn.DNSMASQ : AddOn.StandIn.NGINX, a.standIn());
            }
        }
    }

    @Test
    void kubeDnsSitsOnTheDnsIpWithUdpAndTcp53() {
        Service dns = Manifests.ofType(ClusterAddons.addons("10.96.0.10"), Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals("kube-dns")).findFirst().orElseThrow();
        assertEquals("kube-system", dns.getMetadata().getNamespace());
        assertEquals("10.96.0.10", dns.getSpec().getClusterIP());
        assertEquals(Map.of("k8s-app", "kube-dns"), dns.getSpec().getSelector());
        assertEquals(List.of("dns 53/UDP", "dns-tcp 53/TCP"), dns.getSpec().getPorts().stream()
                .map(p -> p.getName() + " " + p.getPort() + "/" + p.getProtocol()).toList());
    }

    @Test
    void theEntryPointControllersAreLoadBalancers() {
        List<String> services = Manifests.ofType(ClusterAddons.addons("10.96.0.10"), Service.class).stream()
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
                .map(s -> Kube.key(s) + " " + s.getSpec().getSelector() + " " + s.getSpec().getPorts().get(0).getPort())
                .toList();
        assertEquals(List.of(
                "nginx-ingress/nginx-ingress-controller {app.kubernetes.io/name=nginx-ingress} 80",
                "envoy-gateway-system/envoy-netpaths-gateway {app.kubernetes.io/name=envoy-netpaths-gateway} 80",
                "istio-system/istio-ingressgateway {istio=ingressgateway} 80"), services);
    }

    /**
     * Every entry point's Service after admission has the {@code externalTrafficPolicy} its install gives it:
     * F5 NGINX Ingress Controller {@code Cluster} (scripts/cluster/lib.sh overrides the chart's {@code Local}, see
     * the test below); ingress-nginx {@code Cluster} (kubernetes/ingress-nginx controller-v1.15.1
     * deploy/static/provider/kind/deploy.yaml: type LoadBalancer, no externalTrafficPolicy, so the API default);
     * Envoy Gateway {@code Local}; Istio's gateway {@code Cluster} (istio/istio 1.30.3
     * manifests/charts/gateway/values.yaml {@code service.externalTrafficPolicy: ""}, which templates/service.yaml
     * leaves out, so the API default).
     */
    @Test
    void entryPointServicesHaveThePolicyTheirInstallGivesThem() {
        for (IngressNginx.Controller controller : IngressNginx.Controller.values()) {
            List<Service> services = Manifests.ofType(ClusterAddons.addons("10.96.0.10", controller, List.of()), Service.class);
            ServiceAllocator.admit(services, "10.96.0.0/16", "10.96.0.10");
            Map<String, String> policies = new java.util.TreeMap<>();
            services.stream().filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
                    .forEach(s -> policies.put(Kube.key(s), s.getSpec().getExternalTrafficPolicy()));
            String ingress = controller == IngressNginx.Controller.NGINX_INC ? "nginx-ingress/nginx-ingress-controller"
                    : "ingress-nginx/ingress-nginx-controller";
            assertEquals(new java.util.TreeMap<>(Map.of(ingress, "Cluster", "envoy-gateway-system/envoy-netpaths-gateway", "Local",
                    "istio-system/istio-ingressgateway", "Cluster")), policies, controller.name());
        }
    }

    /** The F5 controller's Service policy is what scripts/cluster/lib.sh's chart values set (not the chart's Local). */
    @Test
    void theF5ServicePolicyIsTheOneTheScriptsInstall() throws java.io.IOException {
        java.nio.file.Path lib = java.nio.file.Path.of("../scripts/cluster/lib.sh");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(lib), "needs the repo's scripts");
        String values = java.nio.file.Files.readString(lib).split("\nnginx_ic_values\\(\\) \\{\n", 2)[1].split("\n}\n", 2)[0];
        java.util.regex.Matcher policy = java.util.regex.Pattern.compile("(?m)^    externalTrafficPolicy: (\\w+)$").matcher(values);
        assertTrue(policy.find(), "nginx_ic_values sets controller.service.externalTrafficPolicy:\n" + values);
        Service f5 = Manifests.ofType(ClusterAddons.addons("10.96.0.10"), Service.class).stream()
                .filter(s -> Kube.key(s).equals("nginx-ingress/nginx-ingress-controller")).findFirst().orElseThrow();
        assertEquals(policy.group(1), f5.getSpec().getExternalTrafficPolicy());
    }

    @Test
    void everyUsedNamespaceGetsTheMetadataNameLabelAndDeclaredLabelsStay() {
        List<Namespace> namespaces = ClusterAddons.namespaces(Fixtures.objects());
        assertEquals(List.of("default", "envoy-gateway-system", "istio-system", "kube-system",
                "metallb-system", "netpaths", "netpaths-other", "nginx-ingress"), namespaces.stream().map(n -> n.getMetadata().getName()).toList());
        namespaces.forEach(n -> assertEquals(n.getMetadata().getName(),
                n.getMetadata().getLabels().get(ClusterAddons.NAMESPACE_NAME_LABEL)));
        Namespace other = namespaces.stream().filter(n -> n.getMetadata().getName().equals("netpaths-other")).findFirst().orElseThrow();
        assertEquals("restricted", other.getMetadata().getLabels().get("netpaths.dev/zone"));
    }

    @Test
    void theRuntimeRecognisesAddonPods() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        Map<String, Optional<ClusterAddons.Addon>> byPod = new java.util.TreeMap<>();
        for (Pod pod : cluster.pods()) {
            byPod.put(Kube.key(pod), ClusterAddons.addonOf(pod));
        }
        assertEquals(4, byPod.values().stream().filter(Optional::isPresent).count());
        assertEquals(Optional.of(ClusterAddons.Addon.DNS), byPod.entrySet().stream()
                .filter(e -> e.getKey().startsWith("kube-system/coredns-")).findFirst().orElseThrow().getValue());
        assertEquals(Optional.empty(), byPod.entrySet().stream()
                .filter(e -> e.getKey().startsWith("netpaths/caller-")).findFirst().orElseThrow().getValue());
    }

    /** Placement as installed: CoreDNS and the ingress controller may use the control plane, the gateways may not. */
    @Test
    void theGatewaysRunOnWorkersAndTheIngressControllerOnTheIngressReadyNode() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        java.util.Map<String, String> nodeOf = new java.util.TreeMap<>();
        cluster.pods().stream().filter(p -> ClusterAddons.addonOf(p).isPresent())
                .forEach(p -> nodeOf.put(ClusterAddons.addonOf(p).get().name(), p.getSpec().getNodeName()));
        assertEquals("netpaths-control-plane", nodeOf.get("NGINX_INGRESS"), nodeOf.toString());
        assertTrue(nodeOf.get("ENVOY_GATEWAY").startsWith("netpaths-worker"), nodeOf.toString());
        assertTrue(nodeOf.get("ISTIO_GATEWAY").startsWith("netpaths-worker"), nodeOf.toString());
        List<Service> ingressNginx = Manifests.ofType(ClusterAddons.addons("10.96.0.10", IngressNginx.Controller.INGRESS_NGINX,
                List.of()), Service.class);
        assertTrue(ingressNginx.stream().anyMatch(s -> Kube.key(s).equals("ingress-nginx/ingress-nginx-controller")));
        assertTrue(ingressNginx.stream().noneMatch(s -> Kube.namespace(s).equals("nginx-ingress")));
    }
}

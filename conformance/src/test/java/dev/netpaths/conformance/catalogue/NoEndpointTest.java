package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.support.Fixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Discovery's finding that a Service has no ready endpoint and none is coming (Environment#noEndpoint), the premise
 * on which a converging path may fail without its window: only when no pod is Ready behind it AND every workload it
 * selects wants 0 pods. Pods that may still come (wanted, not Ready yet) keep the window.
 */
class NoEndpointTest {

    static final Map<String, String> V1 = Map.of(Topology.APP, "echo-service", "app.kubernetes.io/part-of",
            "netpaths", Topology.VERSION, "v1");
    static final Topology.Service ECHO = new Topology.Service("netpaths", "echo", "ClusterIP", "10.96.0.20",
            List.of(new Topology.Port("http", "TCP", 8080, null)), List.of(), null, null, V1);
    static final Topology.Pod POD = new Topology.Pod("netpaths", "echo-a", "node-a", "10.244.1.3", "172.18.0.3", V1,
            true);

    static Environment env(List<Topology.Pod> pods, List<Topology.Endpoint> endpoints, int desired) {
        Topology t = new Topology("netpaths", "lab", new Topology.Cni("flannel", false, "test", null), List.of(),
                List.of(), pods, List.of(ECHO), List.of(new Topology.EndpointSlice("netpaths", "echo", endpoints)),
                List.of(), List.of(), new Topology.GatewayApi(false, List.of(), false), new Topology.Istio(false,
                List.of(), false), List.of(new Topology.Workload("netpaths", "echo", "Deployment", V1, V1, desired)),
                null);
        return Fixture.environment(t);
    }

    @Test
    void aServiceWhoseOnlyWorkloadWantsNoPodsHasNoEndpointComing() {
        assertEquals("Service netpaths/echo has no ready endpoint and none is coming: Deployment netpaths/echo, the "
                + "workload it selects, wants 0 pods", env(List.of(), List.of(), 0).noEndpoint("netpaths", "echo"));
    }

    @Test
    void podsThatAreWantedButNotReadyYetKeepTheWindow() {
        // a real cluster after kubectl apply: the Deployment wants 2, its pods are starting
        assertNull(env(List.of(), List.of(), 2).noEndpoint("netpaths", "echo"));
        Topology.Pod starting = new Topology.Pod("netpaths", "echo-a", "node-a", "10.244.1.3", "172.18.0.3", V1,
                false);
        assertNull(env(List.of(starting), List.of(), 2).noEndpoint("netpaths", "echo"));
    }

    @Test
    void aReadyEndpointOrAReadyPodTheSlicesDoNotListYetKeepTheWindow() {
        assertNull(env(List.of(POD), List.of(new Topology.Endpoint("10.244.1.3", "node-a", true)), 0)
                .noEndpoint("netpaths", "echo"));
        // the EndpointSlice controller lags behind a Ready pod: the endpoint is coming
        assertNull(env(List.of(POD), List.of(), 0).noEndpoint("netpaths", "echo"));
    }

    @Test
    void whatDiscoveryCannotPlaceDecidesNothing() {
        Environment none = env(List.of(), List.of(), 0);
        assertNull(none.noEndpoint("netpaths", "no-such-service"));
        Topology t = none.cluster();
        // no workload carries the Service's labels: discovery cannot say whether pods are coming
        Environment unplaced = Fixture.environment(Fixture.withWorkloads(t, List.of()));
        assertNull(unplaced.noEndpoint("netpaths", "echo"));
        // a Service without a selector: its endpoints are kept by hand
        Topology.Service manual = new Topology.Service("netpaths", "echo", "ClusterIP", "10.96.0.20", ECHO.ports(),
                List.of(), null, null, Map.of());
        assertNull(Fixture.environment(Fixture.withServices(t, List.of(manual))).noEndpoint("netpaths", "echo"));
    }

    /** The lab fixture (echo at 2) has endpoints; scaled to 0, its external paths carry the finding. */
    @Test
    void theLabsExternalPathsToEchoCarryTheFindingOnlyOnceEchoIsScaledToZero() {
        Topology healthy = Fixture.topology();
        assertTrue(CatalogueTest.expand("nodePortClusterPolicyRewritesClientIpOnEveryNode",
                Fixture.environment(healthy)).stream().allMatch(p -> p.noEndpoint() == null));
        Topology scaled = scaledToZero(healthy, "netpaths", "echo");
        for (String name : List.of("nodePortClusterPolicyRewritesClientIpOnEveryNode", "loadBalancerIpIsServedByEchoV1",
                "udpThroughNodePortIsAnsweredOnEveryNode")) {
            List<PathInstance> paths = CatalogueTest.expand(name, Fixture.environment(scaled));
            assertTrue(!paths.isEmpty() && paths.stream().allMatch(p -> p.noEndpoint() != null
                    && p.noEndpoint().contains("Deployment netpaths/echo")), name + ": " + paths);
        }
        // echo-v2 is still up: its route keeps its window
        int probed = 0;
        for (String api : List.of("ingress", "gateway", "istio")) {
            for (PathInstance p : CatalogueTest.expand(api + "RoutesV2PathToV2", Fixture.environment(scaled))) {
                assertNull(p.noEndpoint(), p.displayName());
            }
            for (PathInstance p : CatalogueTest.expand(api + "RoutesV1PathToV1", Fixture.environment(scaled))) {
                if (p.skip() == null && p.fail() == null) {
                    assertNotNull(p.noEndpoint(), p.displayName());
                    probed++;
                }
            }
        }
        assertTrue(probed > 0, "the fixture has an entry point to check");
    }

    /** What `lab.sh scale deployment/NAME --replicas=0` leaves: the Deployment wants 0, its pods and endpoints gone. */
    static Topology scaledToZero(Topology t, String namespace, String deployment) {
        Topology.Workload w = t.workloads().stream().filter(x -> x.namespace().equals(namespace)
                && x.name().equals(deployment)).findFirst().orElseThrow();
        List<Topology.Pod> gone = t.podsOf(w);
        List<String> ips = gone.stream().map(Topology.Pod::ip).toList();
        List<Topology.Workload> workloads = t.workloads().stream().map(x -> x != w ? x : new Topology.Workload(
                x.namespace(), x.name(), x.kind(), x.selector(), x.templateLabels(), 0)).toList();
        List<Topology.EndpointSlice> slices = t.endpointSlices().stream().map(s -> new Topology.EndpointSlice(
                s.namespace(), s.service(), s.endpoints().stream().filter(e -> !ips.contains(e.ip())).toList()))
                .toList();
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(),
                t.pods().stream().filter(p -> !gone.contains(p)).toList(), t.services(), slices,
                t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio(), workloads, t.apiServer());
    }
}

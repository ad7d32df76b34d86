package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's cluster.yaml, parsed with no server, goes through the same discovery code as a kube context's objects. */
class LabStateDiscoveryTest {

    static final Path STATE = Path.of("src/test/resources/lab-state");
    static Topology topology;

    @BeforeAll
    static void load() {
        List<Path> files = LabState.clusterFiles(STATE);
        assertEquals(1, files.size(), "one cluster directory in the fixture");
        topology = new Discovery(LabState.read(files.get(0))).discover(LabState.clusterName(files.get(0)));
    }

    @Test
    void clusterDirectoriesAreOrderedByNameSoTheFirstIsClusterA(@TempDir Path state) throws Exception {
        for (String cluster : List.of("netpaths-b", "netpaths", "empty")) {
            Files.createDirectories(state.resolve(cluster));
        }
        Files.writeString(state.resolve("netpaths-b/cluster.yaml"), "apiVersion: v1\nkind: List\nitems: []\n");
        Files.writeString(state.resolve("netpaths/cluster.yaml"), "apiVersion: v1\nkind: List\nitems: []\n");
        assertEquals(List.of(state.resolve("netpaths/cluster.yaml"), state.resolve("netpaths-b/cluster.yaml")),
                LabState.clusterFiles(state));
    }

    @Test
    void labConfigMapNamesClusterPlatformAndCni() {
        assertEquals("netpaths", topology.cluster());
        assertEquals("lab", topology.platform());
        assertEquals("flannel", topology.cni().name());
        assertEquals(Boolean.FALSE, topology.cni().enforcesNetworkPolicy());
    }

    @Test
    void nodesKeepInternalIpAndRole() {
        assertEquals(List.of("netpaths-control-plane:172.18.0.2:control-plane", "netpaths-worker:172.18.0.3:worker",
                        "netpaths-worker2:172.18.0.4:worker"),
                topology.nodes().stream().map(n -> n.name() + ":" + n.internalIp() + ":" + n.role()).toList());
    }

    @Test
    void podStatusSurvivesTheLoadSoReadyPodsAreKnown() {
        assertEquals(List.of("10.244.2.3", "10.244.1.3").stream().sorted().toList(),
                topology.readyPods("netpaths", "echo-service").stream()
                        .filter(p -> "v1".equals(p.version())).map(Topology.Pod::ip).sorted().toList());
        assertEquals(3, topology.readyPods("netpaths", "caller-service").size());
    }

    @Test
    void servicesKeepNodePortsPolicyAndLoadBalancerStatus() {
        Topology.Service local = topology.service("netpaths", "echo-local").orElseThrow();
        assertEquals("Local", local.externalTrafficPolicy());
        assertEquals(30090, local.port("TCP", 8080).orElseThrow().nodePort());
        assertEquals(List.of("172.18.255.200"), topology.service("netpaths", "echo-lb").orElseThrow().loadBalancerIps());
        assertEquals("echo.netpaths-other.svc.cluster.local",
                topology.service("netpaths", "echo-other").orElseThrow().externalName());
    }

    @Test
    void endpointSlicesGiveReadyEndpointsWithTheirNodes() {
        assertEquals(List.of("10.244.1.3@netpaths-worker", "10.244.2.3@netpaths-worker2"),
                topology.readyEndpoints("netpaths", "echo-local").stream().map(e -> e.ip() + "@" + e.node())
                        .sorted().toList());
    }

    @Test
    void policiesIngressAndGatewayStatusAreRead() {
        assertEquals(5, topology.networkPolicies().size(), "the four of netpaths-other and the callers' egress");
        assertEquals(List.of("Egress"), topology.networkPolicies().stream()
                .filter(p -> p.name().equals("caller-egress")).findFirst().orElseThrow().policyTypes());
        assertEquals(List.of("172.18.255.201"), topology.ingresses().get(0).addresses());
        assertTrue(topology.gatewayApi().installed());
        assertEquals(List.of("172.18.255.202"), topology.gatewayApi().gateways().get(0).addresses());
        assertEquals(80, topology.gatewayApi().gateways().get(0).httpPort("gateway.netpaths.test"),
                "the entry point's port is the Gateway listener's");
        assertTrue(topology.gatewayApi().referenceGrantPresent());
        assertFalse(topology.istio().installed());
    }

    @Test
    void theGatewayPortIsTheListenerForTheHostThenAHostlessOne() {
        Topology.Gateway gateway = new Topology.Gateway("netpaths", "netpaths-gateway", List.of("172.18.255.200"), List.of(
                new Topology.Listener("any", "HTTP", 8000, null),
                new Topology.Listener("tls", "HTTPS", 443, "gateway.netpaths.test"),
                new Topology.Listener("http", "HTTP", 8080, "gateway.netpaths.test")), null, Map.of());
        assertEquals(8080, gateway.httpPort("gateway.netpaths.test"));
        assertEquals(8000, gateway.httpPort("other.test"));
        assertEquals(80, new Topology.Gateway("netpaths", "g", List.of()).httpPort("gateway.netpaths.test"));
    }
}

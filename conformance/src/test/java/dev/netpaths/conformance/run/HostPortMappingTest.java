package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.discovery.DataPlane;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.DirectCallerChannel;
import dev.netpaths.conformance.report.PathRecord;
import dev.netpaths.conformance.report.Reports;
import dev.netpaths.conformance.report.RunReport;
import dev.netpaths.conformance.support.FakeServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker Desktop: the host paths the cluster maps to 127.0.0.1 go through the mapping (labelled), the rest stay
 * skipped. The mapping is the recorded answer of scripts/cluster/up.sh (src/test/resources/data-plane/kind.yaml),
 * the topology a kind cluster's shape; the last tests probe real sockets through it.
 */
class HostPortMappingTest {

    static final String CONTROL_PLANE = "netpaths-control-plane";
    static final String WORKER = "netpaths-worker";
    static final String INGRESS_IP = "172.18.255.201";

    static DataPlane recorded() {
        return DataPlane.discover(dev.netpaths.conformance.support.Fixture.snapshot(
                Path.of("src/test/resources/data-plane/kind.yaml")));
    }

    /** The recorded answer with other ports (a test's own listener stands in for the mapping). */
    static DataPlane withPorts(String ports) {
        Map<String, String> values = new HashMap<>(recorded().values());
        values.put("HOST_PORTS", ports);
        values.put("HOST_PORTS_INGRESS", "");
        return new DataPlane(values, "test");
    }

    /** kind, 2 nodes on the Docker network; echo runs on the worker only (the control-plane is tainted). */
    static Topology kind(int tcpNodePort, int udpNodePort, int localNodePort) {
        Map<String, String> echo = Map.of(Topology.APP, "echo-service", "version", "v1");
        List<Topology.Port> ports = List.of(new Topology.Port("http", "TCP", 8080, tcpNodePort),
                new Topology.Port("udp", "UDP", 5005, udpNodePort));
        return new Topology("netpaths", "kubernetes", new Topology.Cni("flannel", false, "test"),
                List.of(new Topology.Node(CONTROL_PLANE, "172.18.0.2", "control-plane", "10.244.0.0/24"),
                        new Topology.Node(WORKER, "172.18.0.3", "worker", "10.244.1.0/24")),
                List.of(),
                List.of(new Topology.Pod("netpaths", "echo-1", WORKER, "10.244.1.5", "172.18.0.3", echo, true)),
                List.of(new Topology.Service("netpaths", "echo-nodeport", "NodePort", "10.96.0.2", ports, List.of(),
                                "Cluster", null, echo),
                        new Topology.Service("netpaths", "echo-local", "NodePort", "10.96.0.3",
                                List.of(new Topology.Port("http", "TCP", 8080, localNodePort)), List.of(), "Local", null,
                                echo),
                        new Topology.Service("netpaths", "echo-lb", "LoadBalancer", "10.96.0.4",
                                List.of(new Topology.Port("http", "TCP", 80, 31000)), List.of("172.18.255.200"),
                                "Cluster", null, echo)),
                List.of(new Topology.EndpointSlice("netpaths", "echo-local",
                        List.of(new Topology.Endpoint("10.244.1.5", WORKER, true)))),
                List.of(),
                List.of(new Topology.Ingress("netpaths", "echo", "nginx", List.of("ingress.netpaths.test"),
                        List.of(INGRESS_IP))),
                new Topology.GatewayApi(false, List.of(), false), new Topology.Istio(false, List.of(), false));
    }

    static Map<String, PathInstance> expand(Environment env, String... cases) {
        Map<String, PathInstance> out = new LinkedHashMap<>();
        for (PathCase c : Catalogue.select(List.of(cases))) {
            env.host().route(c.expand(env)).forEach(p -> out.put(p.displayName(), p));
        }
        return out;
    }

    static Environment dockerDesktop(Topology t, DataPlane dp) {
        return new Environment(t, Optional.empty(), HostPortMapping.of(HostPortMapping.dockerDesktop(), dp, t),
                Environment.Settings.DEFAULT);
    }

    @Test
    void onDockerDesktopTheMappedPathsGoThroughTheMappingLabelled() {
        Map<String, PathInstance> paths = expand(dockerDesktop(kind(30080, 30081, 30090), recorded()),
                "nodePortClusterPolicyRewritesClientIpOnEveryNode", "udpThroughNodePortIsAnsweredOnEveryNode",
                "ingressRoutesV1PathToV1");
        PathInstance tcp = paths.get("nodePortClusterPolicyRewritesClientIpOnEveryNode [" + CONTROL_PLANE + "]");
        assertNull(tcp.skip());
        assertEquals(new Request.HostHttp("127.0.0.1", 30080, "/echo", null, Map.of(), 30, 3000), tcp.request());
        assertTrue(tcp.note().startsWith("via the host port mapping 127.0.0.1:30080 → node " + CONTROL_PLANE
                + " (172.18.0.2:30080)"), tcp.note());
        assertTrue(tcp.hint().startsWith(HostPortMapping.LABEL), tcp.hint());
        // the expectation is the path's own: the client IP is still SNATed to the entry node
        assertEquals(List.of("172.18.0.2", "10.244.0.0/24"), tcp.expect().rewrittenTo());
        PathInstance udp = paths.get("udpThroughNodePortIsAnsweredOnEveryNode [" + CONTROL_PLANE + "]");
        assertEquals(new Request.HostUdp("127.0.0.1", 30081, 30, 3000), udp.request());
        assertNull(udp.skip());
        PathInstance ingress = paths.get("ingressRoutesV1PathToV1 [ingress.netpaths.test/v1/echo]");
        assertNull(ingress.skip());
        Request.HostHttp http = (Request.HostHttp) ingress.request();
        assertEquals("127.0.0.1:80 Host ingress.netpaths.test", http.ip() + ":" + http.port() + " Host " + http.hostHeader());
        assertTrue(ingress.note().contains("the ingress controller's hostPort 80 on node " + CONTROL_PLANE), ingress.note());
        // the worker's ports are not mapped: skipped, with the true reason
        PathInstance worker = paths.get("nodePortClusterPolicyRewritesClientIpOnEveryNode [" + WORKER + "]");
        assertTrue(worker.skip().contains("172.18.0.3 is not routable from this host: Docker Desktop"), worker.skip());
    }

    @Test
    void whatTheMappingsProxyHidesStaysSkippedAndSaysWhy() {
        Map<String, PathInstance> paths = expand(dockerDesktop(kind(30080, 30081, 30090), recorded()),
                "nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun", "loadBalancerIpIsServedByEchoV1");
        // no local endpoint on the control-plane: "no answer" cannot be seen through a proxy that accepts
        PathInstance local = paths.get("nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun [" + CONTROL_PLANE + "]");
        assertTrue(local.skip().contains("via the host port mapping 127.0.0.1:30090 → node " + CONTROL_PLANE
                + " (172.18.0.2:30090) exists, but its proxy accepts the connection itself"), local.skip());
        assertEquals(new Request.HostHttp("172.18.0.2", 30090, "/echo", null, Map.of(), 3, 2000), local.request());
        // the LoadBalancer IP has no mapping at all
        PathInstance lb = paths.get("loadBalancerIpIsServedByEchoV1 [echo-lb]");
        assertTrue(lb.skip().startsWith("172.18.255.200 is not routable"), lb.skip());
        assertTrue(!lb.skip().contains(HostPortMapping.LABEL), lb.skip());
    }

    @Test
    void routableTargetsAndClustersWithoutAMappingAreLeftAlone() {
        Topology t = kind(30080, 30081, 30090);
        Environment.HostNetwork linux = (ip, port) -> Optional.empty();
        Environment routable = new Environment(t, Optional.empty(), HostPortMapping.of(linux, recorded(), t),
                Environment.Settings.DEFAULT);
        PathInstance tcp = expand(routable, "nodePortClusterPolicyRewritesClientIpOnEveryNode")
                .get("nodePortClusterPolicyRewritesClientIpOnEveryNode [" + CONTROL_PLANE + "]");
        assertEquals("172.18.0.2", ((Request.HostHttp) tcp.request()).ip());
        assertNull(tcp.note());
        // HOST_PORTS=0 (a second cluster) records an empty list: no mapping, the host network unchanged
        Environment.HostNetwork desktop = HostPortMapping.dockerDesktop();
        assertSame(desktop, HostPortMapping.of(desktop, withPorts(""), t));
        assertSame(desktop, HostPortMapping.of(desktop, DataPlane.unknown("none"), t));
    }

    /** An echo-shaped answer as kube-proxy's masquerade leaves it: the client is the entry node's address. */
    static FakeServers.Server echoBehindKubeProxy() {
        return FakeServers.answering("{\"service\":\"echo-service\",\"version\":\"v1\",\"pod\":\"echo-1\","
                + "\"namespace\":\"netpaths\",\"node\":\"" + WORKER + "\",\"podIp\":\"10.244.1.5\","
                + "\"hostIp\":\"172.18.0.3\",\"cluster\":\"netpaths\",\"request\":{\"method\":\"GET\","
                + "\"path\":\"/echo\",\"host\":\"x\",\"clientIp\":\"172.18.0.2\",\"clientPort\":40000,"
                + "\"xForwardedFor\":null}}");
    }

    static RunReport run(int nodePort, Path reports, StringWriter progress) throws Exception {
        Topology t = kind(nodePort, 30081, 30090);
        DataPlane dp = withPorts(nodePort + "/TCP");
        Environment env = new Environment(t, Optional.empty(), HostPortMapping.of(HostPortMapping.dockerDesktop(), dp,
                t), new Environment.Settings(3, 3, 6, 50, 1000, 500, 2, 3));
        return Conformance.run(Catalogue.select(List.of("nodePortClusterPolicyRewritesClientIpOnEveryNode")), env,
                new DirectCallerChannel(FakeServers.closedPort()), "test", reports, new PrintWriter(progress, true),
                Set.of(), dp);
    }

    @Test
    void throughTheMappingARealProbePassesAndEveryReportSaysHow(@TempDir Path reports) throws Exception {
        StringWriter progress = new StringWriter();
        try (FakeServers.Server mapping = echoBehindKubeProxy()) {
            RunReport report = run(mapping.port(), reports, progress);
            Map<String, PathRecord> byName = new HashMap<>();
            report.cases().forEach(c -> byName.put(c.name(), c));
            PathRecord cp = byName.get("nodePortClusterPolicyRewritesClientIpOnEveryNode [" + CONTROL_PLANE + "]");
            assertEquals(PathRecord.PASSED, cp.result(), cp.reason());
            assertEquals("http://127.0.0.1:" + mapping.port() + "/echo", cp.target());
            assertTrue(cp.note().startsWith(HostPortMapping.LABEL), cp.note());
            assertEquals(List.of("172.18.0.2"), cp.clientIpsSeen());
            assertEquals(PathRecord.SKIPPED, byName.get("nodePortClusterPolicyRewritesClientIpOnEveryNode [" + WORKER
                    + "]").result());
            // report.json, report.html, the console: the label and the data-plane choices
            String json = Files.readString(reports.resolve(Reports.JSON));
            assertTrue(json.contains("\"note\" : \"via the host port mapping 127.0.0.1:"), json);
            assertTrue(json.contains("\"dataPlane\" : {"), json);
            assertTrue(json.contains("\"PROXY_MODE\" : \"iptables\""), json);
            assertEquals(report, Reports.read(reports));
            String html = Files.readString(reports.resolve(Reports.HTML));
            assertTrue(html.contains("via the host port mapping 127.0.0.1:"), "report.html carries the label");
            assertTrue(html.contains("id=\"dataplane\"") && html.contains("\"dataPlane\":{\"CLUSTER\":\"kind\""),
                    "report.html shows the data plane");
            String matrix = Files.readString(reports.resolve(Reports.MATRIX));
            assertTrue(matrix.startsWith("data plane: CLUSTER=kind CNI=flannel PROXY_MODE=iptables"), matrix);
            assertTrue(matrix.contains(HostPortMapping.LABEL), matrix);
            assertTrue(progress.toString().startsWith("data plane: CLUSTER=kind"), progress.toString());
        }
    }

    @Test
    void aMappingThatDoesNotAnswerFailsTheLabelledPathInsteadOfSkippingIt(@TempDir Path reports) throws Exception {
        RunReport report = run(FakeServers.closedPort(), reports, new StringWriter());
        PathRecord cp = report.cases().stream().filter(c -> c.name().endsWith("[" + CONTROL_PLANE + "]")).findFirst()
                .orElseThrow();
        assertEquals(PathRecord.FAILED, cp.result());
        assertNotNull(cp.reason());
        assertTrue(cp.reason().contains("Likely cause: " + HostPortMapping.LABEL + " 127.0.0.1:"), cp.reason());
    }
}

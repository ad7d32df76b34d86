package dev.netpaths.conformance.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.DirectCallerChannel;
import dev.netpaths.conformance.run.Conformance;
import dev.netpaths.conformance.run.ConformanceEngine;
import dev.netpaths.conformance.support.Browser;
import dev.netpaths.conformance.support.FakeServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on the JUnit Platform against real local processes (an echo server as the NodePort of two
 * "nodes", a caller-shaped server), with mixed results; then every report it wrote, in real Chromium.
 */
class HarnessRunTest {

    static final List<String> CASES = List.of("sameNodePodToPodKeepsClientIp", "crossNodePodToPodKeepsClientIp",
            "unknownNameFailsWithDnsFailure", "nodePortClusterPolicyRewritesClientIpOnEveryNode",
            "nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun", "istioRoutesV1PathToV1",
            "gatewayRoutesV1PathToV1");

    @TempDir
    static Path reports;
    static FakeServers.Server echo;
    static FakeServers.Server caller;
    static RunReport report;
    static final StringWriter progress = new StringWriter();

    @BeforeAll
    static void run() throws Exception {
        echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a");
        caller = FakeServers.caller(url -> url.contains("does-not-exist") ? FakeServers.failedAttempt("DNS_FAILURE")
                : FakeServers.servedAttempt("echo-a", "netpaths", "v1", "127.0.0.1"));
        Environment env = new Environment(topology(echo.port()), Optional.empty(), (ip, port) -> Optional.empty(),
                new Environment.Settings(3, 3, 6, 50, 1000, 500, 2, 3));
        report = Conformance.run(Catalogue.select(CASES), env, new DirectCallerChannel(caller.port()), "test",
                reports, new PrintWriter(progress, true));
    }

    @AfterAll
    static void stop() {
        echo.close();
        caller.close();
    }

    /** Two nodes: node-a (127.0.0.1) runs echo-a, the only endpoint; node-b (127.0.0.2) has no listener. */
    static Topology topology(int nodePort) {
        Map<String, String> echoLabels = Map.of("app.kubernetes.io/name", "echo-service", "version", "v1");
        Map<String, String> callerLabels = Map.of("app.kubernetes.io/name", "caller-service");
        List<Topology.Port> ports = List.of(new Topology.Port("http", "TCP", 8080, nodePort));
        return new Topology("test", "lab", new Topology.Cni("flannel", false, "test"),
                List.of(new Topology.Node("node-a", "127.0.0.1", "worker", null),
                        new Topology.Node("node-b", "127.0.0.2", "worker", null)),
                List.of(),
                List.of(new Topology.Pod("netpaths", "echo-a", "node-a", "127.0.0.1", "127.0.0.1", echoLabels, true),
                        new Topology.Pod("netpaths", "caller-a", "node-a", "127.0.0.1", "127.0.0.1", callerLabels, true),
                        new Topology.Pod("netpaths", "caller-b", "node-b", "127.0.0.1", "127.0.0.2", callerLabels, true)),
                List.of(new Topology.Service("netpaths", "echo-nodeport", "NodePort", "10.96.0.2", ports, List.of(),
                                "Cluster", null, echoLabels),
                        new Topology.Service("netpaths", "echo-local", "NodePort", "10.96.0.3", ports, List.of(),
                                "Local", null, echoLabels)),
                List.of(new Topology.EndpointSlice("netpaths", "echo-local",
                        List.of(new Topology.Endpoint("127.0.0.1", "node-a", true)))),
                List.of(), List.of(), new Topology.GatewayApi(false, List.of(), false),
                new Topology.Istio(false, List.of(), false));
    }

    static Map<String, PathRecord> byName() {
        return report.cases().stream().collect(Collectors.toMap(PathRecord::name, Function.identity()));
    }

    @Test
    void mixedResultsAreJudgedPerPath() {
        Map<String, PathRecord> cases = byName();
        assertEquals(new RunReport.Summary(5, 2, 2, List.of("gatewayRoutesV1PathToV1", "istioRoutesV1PathToV1")),
                report.summary(), cases.keySet().toString());
        PathRecord same = cases.get("sameNodePodToPodKeepsClientIp [node-a → echo-service@node-a:8080]");
        assertEquals(PathRecord.PASSED, same.result());
        assertEquals(Map.of("echo-a", 3L), same.backends());
        assertEquals(List.of("127.0.0.1"), same.clientIpsSeen());
        assertEquals(PathRecord.PASSED, cases.get("nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun [node-b]")
                .result(), "no local endpoint on node-b: no answer is the expected result");
        assertEquals(PathRecord.PASSED, cases.get("unknownNameFailsWithDnsFailure").result());
    }

    @Test
    void failuresNameTheLikelyCause() {
        Map<String, PathRecord> cases = byName();
        PathRecord kept = cases.get("nodePortClusterPolicyRewritesClientIpOnEveryNode [node-a]");
        assertEquals(PathRecord.FAILED, kept.result());
        assertTrue(kept.reason().contains("client IP seen 127.0.0.1 from source 127.0.0.1 is not the entry node's "
                + "address or pod CIDR [127.0.0.1]"), kept.reason());
        PathRecord refused = cases.get("nodePortClusterPolicyRewritesClientIpOnEveryNode [node-b]");
        assertTrue(refused.reason().contains("REFUSED"), refused.reason());
        assertTrue(refused.reason().contains("NodePort " + echo.port() + "/TCP on node node-b (127.0.0.2) unreachable:"
                + " is the port mapped / kube-proxy running?"), refused.reason());
        assertTrue(refused.reason().contains("not 3 consecutive successes within 2 s"), refused.reason());
    }

    @Test
    void skipsCarryTheTrueReason() {
        Map<String, PathRecord> cases = byName();
        assertEquals("Istio not installed (no Service istio-system/istio-ingressgateway)",
                cases.get("istioRoutesV1PathToV1").reason());
        assertEquals(PathRecord.SKIPPED, cases.get("gatewayRoutesV1PathToV1").result());
        assertTrue(cases.get("gatewayRoutesV1PathToV1").reason().startsWith("Gateway API CRDs absent"));
    }

    @Test
    void progressIsPrintedPerPathAsTheRunGoes() {
        List<String> lines = progress.toString().lines().toList();
        assertEquals(10, lines.size());
        assertEquals("required groups (a group here that cannot run FAILS): none", lines.get(0));
        assertTrue(lines.get(1).startsWith("[1/9] "), lines.get(1));
        assertTrue(lines.contains("[8/9] skipped gatewayRoutesV1PathToV1"), lines.toString());
    }

    @Test
    void reportJsonRoundTrips() throws Exception {
        assertEquals(report, Reports.read(reports));
    }

    @Test
    void junitXmlHoldsEveryPath() throws Exception {
        Path xml = reports.resolve("TEST-" + ConformanceEngine.ID + ".xml");
        assertTrue(Files.isRegularFile(xml), "LegacyXmlReportGeneratingListener output");
        String text = Files.readString(xml);
        for (PathRecord c : report.cases()) {
            assertTrue(text.contains("name=\"" + c.name() + "\""), "no testcase for " + c.name());
        }
        assertTrue(text.contains("tests=\"9\""), "9 paths");
        assertTrue(text.contains("classname=\"nodePortClusterPolicyRewritesClientIpOnEveryNode\""), "case = class");
        assertTrue(text.contains("failures=\"2\"") && text.contains("skipped=\"2\""), "2 failed, 2 skipped");
    }

    @Test
    void consoleMatrixListsEveryPathWithLatency() throws Exception {
        String matrix = Files.readString(reports.resolve(Reports.MATRIX));
        report.cases().forEach(c -> assertTrue(matrix.contains(c.name().substring(0, Math.min(40, c.name().length())))));
        assertTrue(matrix.contains("2.31"), "p50 from the caller's latencyMs");
        assertTrue(matrix.contains("5 passed, 2 failed, 2 skipped"));
    }

    @Test
    void reportHtmlRendersEveryCaseInChromium() throws Exception {
        Browser.needChromium();
        String html = Files.readString(reports.resolve(Reports.HTML));
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "self-contained: no external resources");
        BrowserCheck.Verdict verdict = BrowserCheck.check(reports.resolve(Reports.HTML),
                report.cases().stream().map(PathRecord::name).toList());
        assertTrue(verdict.ok(), String.join("\n", verdict.problems()));
        assertTrue(verdict.dom().contains("<svg"), "the topology picture");
        // One edge per source/target pair (not per path: sixty crossing lines could not be read), each titled.
        long pairs = report.cases().stream().filter(c -> !c.to().startsWith("skipped:"))
                .map(c -> c.from() + ">" + c.to()).distinct().count();
        assertEquals(pairs, verdict.dom().split("<path ").length - 1, "one edge per source/target pair");
        assertTrue(pairs < report.cases().size(), "fewer edges than paths");
        assertTrue(verdict.dom().contains("path(s), worst FAILED"), "an edge names its worst result");
    }

    @Test
    void compareHtmlRendersTwoRunsSideBySideInChromium() throws Exception {
        Browser.needChromium();
        Path other = reports.resolveSibling(reports.getFileName() + "-calico");
        Reports.write(other, report);
        Path compare = Reports.compare(List.of(reports, other), reports.resolve("cmp"));
        BrowserCheck.Verdict verdict = BrowserCheck.check(compare, report.cases().stream().map(PathRecord::name).toList());
        assertTrue(verdict.ok(), String.join("\n", verdict.problems()));
        assertTrue(verdict.dom().contains(other.getFileName() + " (test)"), "a column per run");
    }

    @Test
    void theBrowserCheckCatchesAPageThatDoesNotRender(@TempDir Path dir) throws Exception {
        Browser.needChromium();
        Path page = dir.resolve("broken.html");
        Files.writeString(page, "<!doctype html><html><body><table><tr data-case=\"a\"></tr></table>"
                + "<script>undefinedFunction(); document.body.dataset.rendered = 'ok';</script></body></html>");
        BrowserCheck.Verdict verdict = BrowserCheck.check(page, List.of("a", "b"));
        assertFalse(verdict.ok());
        assertTrue(verdict.problems().contains("no row for case b"), verdict.problems().toString());
        assertTrue(verdict.problems().stream().anyMatch(p -> p.startsWith("the page did not set")));
        assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("Uncaught")), verdict.problems().toString());
    }
}

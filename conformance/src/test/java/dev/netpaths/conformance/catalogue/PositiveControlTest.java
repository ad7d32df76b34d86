package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.run.PathRunner;
import dev.netpaths.conformance.support.Fixture;
import dev.netpaths.wire.ErrorKind;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 3: the blocked target echo-restricted has a positive control. The trusted prober of the reference
 * manifests (netpaths-other/caller-trusted, label netpaths.dev/trusted=true) is the one source its policy admits; the
 * truth table probes echo-restricted from it and expects echo-restricted's own pod to answer, on every CNI. Shown
 * over the real k8s/components/network-policies and over recorded caller answers.
 */
class PositiveControlTest {

    private static final Path COMPONENT = Path.of("../k8s/components/network-policies");
    private static final String CASE = "networkPolicyTruthTable";
    private static final String CONTROL = "netpaths-other@netpaths-worker2 → netpaths-other/echo-restricted .";
    private static final Topology.Cni CALICO = new Topology.Cni("calico", true, "test");
    private static final Topology.Cni FLANNEL = new Topology.Cni("flannel", false, "test");

    static List<Topology.Policy> realPolicies() throws IOException {
        List<Topology.Policy> out = new ArrayList<>();
        try (var files = Files.list(COMPONENT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")
                    && !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                out.add(Discovery.policy(Serialization.unmarshal(Files.readString(file), NetworkPolicy.class)));
            }
        }
        return out;
    }

    static Map<String, PathInstance> table(Topology t) {
        return CatalogueTest.expand(CASE, Fixture.environment(t)).stream()
                .collect(Collectors.toMap(PathInstance::label, p -> p));
    }

    static Topology reference(Topology.Cni cni) throws IOException {
        return Fixture.withCni(Fixture.withPolicies(Fixture.topology(), realPolicies()), cni);
    }

    /** The fixture's trusted prober pod with other labels. */
    static Topology proberLabelled(Topology t, Map<String, String> labels) {
        return Fixture.withPods(t, t.pods().stream().map(p -> !p.name().startsWith("caller-trusted-") ? p
                : new Topology.Pod(p.namespace(), p.name(), p.node(), p.ip(), p.hostIp(), labels, p.ready())).toList());
    }

    @Test
    void theTrustedProberIsExpectedToBeAnsweredByEchoRestrictedOnEveryCni() throws IOException {
        for (Topology.Cni cni : List.of(CALICO, FLANNEL, new Topology.Cni("unknown", null, "test"))) {
            Map<String, PathInstance> cells = table(reference(cni));
            assertEquals(10, cells.size(), "3 callers × 3 targets + one control on " + cni.name() + ": " + cells.keySet());
            PathInstance control = cells.get(CONTROL);
            assertTrue(control != null, cells.keySet().toString());
            assertEquals(Expect.Outcome.ANSWERED, control.expect().outcome(), cni.name());
            assertNull(control.skip(), cni.name());
            assertNull(control.fail(), cni.name());
            Request.CallerHttp call = (Request.CallerHttp) control.request();
            assertEquals("netpaths-other", call.caller().namespace());
            assertEquals("true", call.caller().labels().get("netpaths.dev/trusted"));
            assertEquals("http://echo-restricted.netpaths-other:8080/echo", call.call().url());
            assertEquals(java.util.Set.of("echo-restricted-9b8c7-a1s2d@10.244.1.8"), control.expect().backend().podsIn(),
                    "answered by echo-restricted's own pod, not any echo");
            assertTrue(control.hint().startsWith("positive control:"), control.hint());
            assertFalse(control.hint().contains("allowed pair is blocked"), "its own cause, apart from the allowed cells'");
        }
    }

    @Test
    void theBlockedCellsStayConnectTimeoutOnlyBesideTheControl() throws IOException {
        Map<String, PathInstance> cells = table(reference(CALICO));
        List<PathInstance> blocked = cells.values().stream().filter(p -> p.label().endsWith(" X")).toList();
        assertEquals(3, blocked.size(), cells.keySet().toString());
        for (PathInstance p : blocked) {
            assertEquals(java.util.Set.of(ErrorKind.CONNECT_TIMEOUT), p.expect().errors(), p.label());
        }
    }

    @Test
    void noControlIsAddedWhereACallerIsAdmitted() throws IOException {
        List<Topology.Policy> open = realPolicies().stream()
                .filter(p -> !p.name().equals("echo-restricted") && !p.name().equals("deny-all")).toList();
        Map<String, PathInstance> cells = table(Fixture.withCni(Fixture.withPolicies(Fixture.topology(), open), FLANNEL));
        assertTrue(cells.keySet().stream().noneMatch(l -> l.contains("control") || l.startsWith("netpaths-other@")),
                "every target has an admitted caller, whose own cell is the control: " + cells.keySet());
    }

    @Test
    void aProberThatLostItsLabelLeavesNoControlAndTheTableFails() throws IOException {
        for (Topology.Cni cni : List.of(CALICO, FLANNEL)) {
            Topology t = proberLabelled(reference(cni), Map.of(Topology.APP, "caller-service",
                    "app.kubernetes.io/part-of", "netpaths", "version", "v1"));
            PathInstance control = table(t).get("control → netpaths-other/echo-restricted .");
            assertTrue(control != null && control.fail() != null, cni.name() + ": " + table(t).keySet());
            assertTrue(control.fail().startsWith("no positive control for netpaths-other/echo-restricted"), control.fail());
            assertTrue(control.fail().contains("caller-trusted") && control.fail().contains("lost its label"),
                    control.fail());
        }
    }

    @Test
    void aPolicyWhoseFromSelectsNothingIsNamedAsTheCauseNotTheProber() throws IOException {
        // The workshop's chapter 6 break: the echo policy's namespace selector misspelt (netpath), so it still isolates
        // netpaths-other/echo and admits none of the callers, while the prober is Ready and labelled as it should be.
        List<Topology.Policy> typo = new ArrayList<>();
        try (var files = Files.list(COMPONENT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")
                    && !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                String yaml = Files.readString(file);
                if (file.getFileName().toString().equals("echo.yaml")) {
                    yaml = yaml.replace("kubernetes.io/metadata.name: netpaths\n", "kubernetes.io/metadata.name: netpath\n");
                }
                typo.add(Discovery.policy(Serialization.unmarshal(yaml, NetworkPolicy.class)));
            }
        }
        Map<String, PathInstance> cells = table(Fixture.withCni(Fixture.withPolicies(Fixture.topology(), typo), CALICO));
        PathInstance control = cells.get("control → netpaths-other/echo .");
        assertTrue(control != null && control.fail() != null, cells.keySet().toString());
        assertTrue(control.fail().contains("admit no caller and not the trusted prober either")
                && control.fail().contains("misspelt"), control.fail());
        assertFalse(control.fail().contains("lost its label"), control.fail());
    }

    @Test
    void aMissingOrUnreadyProberFailsTheControlSayingSo() throws IOException {
        Topology t = reference(CALICO);
        Topology none = Fixture.withPods(t, t.pods().stream().filter(p -> !p.name().startsWith("caller-trusted-"))
                .toList());
        assertTrue(table(none).get("control → netpaths-other/echo-restricted .").fail()
                .contains("there is no caller-service pod outside namespace netpaths"));
        String prober = t.pods().stream().filter(p -> p.name().startsWith("caller-trusted-")).findFirst().orElseThrow()
                .name();
        assertTrue(table(Fixture.notReady(t, prober)).get("control → netpaths-other/echo-restricted .").fail()
                .contains(prober + " not Ready"));
    }

    // ---- over recorded caller answers: what caller-service's /call returned, as the prober would return it --------

    static final String ANSWERED = """
            {"url":"http://echo-restricted.netpaths-other:8080/echo","protocol":"http","host":"echo-restricted.netpaths-other",
             "port":8080,"tries":2,"resolved":["10.96.140.7"],"attempts":[%s,%s]}""";
    static final String SERVED = """
            {"attempt":%d,"ok":true,"status":200,"latencyMs":1.2,"remoteAddress":"10.96.140.7:8080",
             "localAddress":"10.244.2.9:4122%d","served":{"service":"echo-service","version":"v1","pod":"%s",
             "namespace":"netpaths-other","node":"netpaths-worker","podIp":"%s","cluster":"netpaths"},
             "clientIpSeen":"10.244.2.9","responseHeaders":{},"body":null,"error":null}""";
    static final String TIMED_OUT = """
            {"attempt":%d,"ok":false,"status":null,"latencyMs":2000.4,"remoteAddress":null,"localAddress":null,
             "served":null,"clientIpSeen":null,"responseHeaders":{},"body":null,
             "error":{"kind":"CONNECT_TIMEOUT","message":"connect timed out after 2000 ms"}}""";

    /** Runs the control cell with the prober answering {@code body} to every /call. */
    static PathRunner.Result run(PathInstance control, String body) throws Exception {
        Map<String, Integer> asked = new HashMap<>();
        CallerChannel recorded = (caller, pathAndQuery, timeout) -> {
            asked.merge(caller.name(), 1, Integer::sum);
            return body;
        };
        PathRunner.Result result = new PathRunner(recorded, Environment.Settings.DEFAULT).run(control);
        assertEquals(Map.of("caller-trusted-5d4c3-t9r8e", 1), asked, "the prober itself is asked, once");
        return result;
    }

    @Test
    void theControlPassesWhenEchoRestrictedAnswersAndFailsWhenTheAllowedSourceGetsNoAnswer() throws Exception {
        for (Topology.Cni cni : List.of(CALICO, FLANNEL)) {
            PathInstance control = table(reference(cni)).get(CONTROL);
            PathRunner.Result answered = run(control, ANSWERED.formatted(
                    SERVED.formatted(1, 1, "echo-restricted-9b8c7-a1s2d", "10.244.1.8"),
                    SERVED.formatted(2, 2, "echo-restricted-9b8c7-a1s2d", "10.244.1.8")));
            assertTrue(answered.passed(), cni.name() + ": " + answered.problems());

            PathRunner.Result dropped = run(control, ANSWERED.formatted(TIMED_OUT.formatted(1), TIMED_OUT.formatted(2)));
            assertFalse(dropped.passed(), cni.name() + ": an admitted source without an answer must FAIL the control");
            assertTrue(String.join("; ", dropped.problems()).contains("CONNECT_TIMEOUT"), dropped.problems().toString());

            // Answered, but by another echo pod (a wrong Service selector): that does not show echo-restricted answers.
            PathRunner.Result elsewhere = run(control, ANSWERED.formatted(
                    SERVED.formatted(1, 1, "echo-8f9a1-u7i8o", "10.244.2.7"),
                    SERVED.formatted(2, 2, "echo-8f9a1-u7i8o", "10.244.2.7")));
            assertFalse(elsewhere.passed(), cni.name() + ": " + elsewhere.problems());
        }
    }
}

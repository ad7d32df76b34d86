package dev.netpaths.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.report.PathRecord;
import dev.netpaths.conformance.report.Reports;
import dev.netpaths.conformance.report.RunReport;
import dev.netpaths.conformance.run.ConformanceEngine;
import dev.netpaths.conformance.support.Browser;
import dev.netpaths.conformance.support.Fixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's contract: options, exit status 0 / 1 / 2, lab mode end to end, compare and check-report. */
class MainTest {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void listPrintsTheWholeCatalogue() {
        assertEquals(0, run("--list"));
        Catalogue.CASES.forEach(c -> assertTrue(out.toString().contains(c.name()), c.name()));
        assertTrue(out.toString().contains(Catalogue.CASES.size() + " cases"));
    }

    @Test
    void usageErrorsExitWithTwo(@TempDir Path empty) {
        assertEquals(2, run("--no-such-option"));
        assertEquals(2, run("--case", "noSuchCase", "--list"));
        assertTrue(err.toString().contains("no case matches [noSuchCase]"));
        assertEquals(2, run("--lab-state", empty.toString(), "--kube-context", "kind-netpaths"));
        assertEquals(2, run("--lab-state", empty.toString()));
        assertTrue(err.toString().contains("no <cluster>/cluster.yaml under"));
        assertEquals(2, run("check-report", empty.toString()));
    }

    @Test
    void helpDocumentsTheExitStatus() {
        assertEquals(0, run("-h"));
        assertTrue(out.toString().contains("2   usage error"), out.toString());
    }

    @Test
    void labModeRunsOnTheLabStateAndExitsOneWhenNothingPassed(@TempDir Path reports) throws Exception {
        // Every path skips with its reason, yet a run that proved nothing is not a success (issue 10).
        assertEquals(1, run("--lab-state", Fixture.LAB_STATE.toString(), "--case", "istio*", "--reports",
                reports.toString()));
        assertTrue(out.toString().contains("nothing passed (7 skipped, 0 failed)"), out.toString());
        RunReport report = Reports.read(reports);
        assertEquals("netpaths", report.run().cluster());
        assertEquals("flannel", report.run().cni());
        assertEquals(3, report.topology().nodes().size());
        assertTrue(report.cases().stream().allMatch(c -> PathRecord.SKIPPED.equals(c.result())
                && c.reason().startsWith("Istio not installed")));
        assertTrue(Files.isRegularFile(reports.resolve("TEST-" + ConformanceEngine.ID + ".xml")));
        assertTrue(out.toString().contains("istioRoutesV1PathToV1"), "the console matrix");
    }

    @Test
    void anUnexpectedResultExitsWithOne(@TempDir Path state, @TempDir Path reports) throws Exception {
        // The first caller (on the control plane) is moved to 127.0.0.1, where no caller-service listens on 8080
        // (or something else answers): either way the path cannot be proved, which must fail the run.
        Path cluster = Files.createDirectories(state.resolve("netpaths"));
        Files.writeString(cluster.resolve("cluster.yaml"), Files.readString(Fixture.LAB_STATE.resolve(
                "netpaths/cluster.yaml")).replace("podIP: 10.244.0.5", "podIP: 127.0.0.1"));
        assertEquals(1, run("--lab-state", state.toString(), "--case", "unknownNameFailsWithDnsFailure", "--reports",
                reports.toString()));
        PathRecord only = Reports.read(reports).cases().get(0);
        assertEquals(PathRecord.FAILED, only.result());
        assertTrue(only.reason().contains("caller caller-abcde on netpaths-control-plane could not be asked to probe"),
                only.reason());
    }

    /** An earlier run of the lab fixture, in {@code dir}. */
    Path earlierRun(Path dir) {
        assertEquals(1, run("--lab-state", Fixture.LAB_STATE.toString(), "--case", "istio*", "--reports",
                dir.toString()), "nothing passed");
        return dir;
    }

    @Test
    void compareWorksOnEarlierRuns(@TempDir Path runs) throws Exception {
        Path flannel = earlierRun(runs.resolve("flannel"));
        Path calico = runs.resolve("calico");
        Reports.write(calico, Reports.read(flannel));
        assertEquals(0, run("--compare", flannel.toString(), calico.toString(), "--reports", runs.resolve("cmp")
                .toString()));
        assertTrue(Files.readString(runs.resolve("cmp").resolve(Reports.COMPARE)).contains("\"label\":\"calico"));
    }

    @Test
    void checkReportRendersAnEarlierRunInChromium(@TempDir Path runs) {
        Browser.needChromium();
        Path flannel = earlierRun(runs.resolve("flannel"));
        assertEquals(0, run("check-report", flannel.toString()), out.toString());
        assertTrue(out.toString().contains("report.html rendered every case in Chromium"));
    }

    @Test
    void anUnreadableClusterExitsWithOneAndSaysWhy(@TempDir Path home) throws Exception {
        Path kubeconfig = home.resolve("config");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster:\n"
                + "    server: https://127.0.0.1:" + dev.netpaths.conformance.support.FakeServers.closedPort() + "\n"
                + "contexts:\n- name: dead\n  context: {cluster: dead, user: u}\ncurrent-context: dead\n"
                + "users:\n- name: u\n  user: {token: t}\n");
        Map<String, String> properties = Map.of("kubeconfig", kubeconfig.toString(),
                "kubernetes.request.retry.backoffLimit", "0");
        Map<String, String> previous = new HashMap<>();
        properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        try {
            assertEquals(1, run("--kube-context", "dead", "--case", "istio*", "--reports", home.resolve("r").toString()));
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        assertTrue(err.toString().startsWith("netpaths-conformance: "), err.toString());
    }

    @Test
    void expectSkipsComparesTheSkippedSetInTheRunAndInCheckReport(@TempDir Path reports) throws Exception {
        String[] base = {"--lab-state", Fixture.LAB_STATE.toString(), "--case", "istio*", "--case",
                "workloads*", "--reports", reports.toString()};
        // The workloads check passes; the istio cases skip (Istio not installed): exactly what is expected.
        assertEquals(0, run(concat(base, "--expect-skips", "istio")), out.toString());
        assertEquals(List.of("istioAnswersUnknownHostWithNotFound", "istioAnswersUnmatchedPathWithNotFound",
                        "istioRoutesOtherToOtherNamespace", "istioRoutesV1PathToV1", "istioRoutesV2PathToV2",
                        "istioRoutesVersionHeaderToV2", "istioSplitsEightyTwenty"),
                Reports.read(reports).summary().skippedKeys());
        assertEquals(1, run(concat(base, "--expect-skips", "cross-cluster")));
        assertTrue(out.toString().contains("--expect-skips: unexpected skip: istioRoutesV1PathToV1: Istio not "
                + "installed"), out.toString());
        assertEquals(1, run(concat(base, "--expect-skips", "none")));
        assertEquals(1, run(concat(base, "--expect-skips", "istio,workloads*")));
        assertTrue(out.toString().contains("expected to skip but ran: workloads*"), out.toString());
        // The same comparison on a finished run's report, as make test does after each lab run.
        assertEquals(1, run("check-report", "--expect-skips", "none", reports.toString()));
        assertTrue(out.toString().contains("FAIL --expect-skips: unexpected skip: istioSplitsEightyTwenty"));
    }

    @Test
    void requireTurnsAGroupThatCannotRunIntoFailuresAndRejectsUnknownGroups(@TempDir Path reports) throws Exception {
        assertEquals(1, run("--lab-state", Fixture.LAB_STATE.toString(), "--case", "istio*", "--case", "workloads*",
                "--require", "istio", "--reports", reports.toString()));
        RunReport report = Reports.read(reports);
        assertEquals(7, report.summary().failed());
        assertEquals(List.of("istio"), report.run().required());
        assertEquals(2, run("--lab-state", Fixture.LAB_STATE.toString(), "--require", "no-such-group"));
        assertTrue(err.toString().contains("--require: unknown group no-such-group"), err.toString());
    }

    @Test
    void byDefaultTheGroupsWhoseObjectsExistAreRequired(@TempDir Path reports) throws Exception {
        // Without --require the run requires the groups whose objects exist (of those selected), and says so up front.
        assertEquals(0, run("--lab-state", Fixture.LAB_STATE.toString(), "--case", "workloads*", "--reports",
                reports.toString()), out.toString());
        assertEquals(List.of("workloads"), Reports.read(reports).run().required());
        assertTrue(out.toString().contains("required groups (a group here that cannot run FAILS): workloads"));
    }

    @Test
    void aPeerThatIsClusterAItselfIsRefused(@TempDir Path state) throws Exception {
        String yaml = Files.readString(Fixture.LAB_STATE.resolve("netpaths/cluster.yaml"));
        Files.writeString(Files.createDirectories(state.resolve("netpaths")).resolve("cluster.yaml"), yaml);
        // Cluster B is a copy of A: same cluster name (as both real clusters had before B got its own CLUSTER_NAME).
        Files.writeString(Files.createDirectories(state.resolve("netpaths-b")).resolve("cluster.yaml"), yaml);
        assertEquals(2, run("--lab-state", state.toString(), "--case", "cross-cluster"));
        assertTrue(err.toString().contains("the peer is cluster A itself: both report cluster name netpaths"),
                err.toString());
        // Renamed, but with A's very nodes: still A.
        Files.writeString(state.resolve("netpaths-b/cluster.yaml"), yaml.replace("cluster: netpaths,", "cluster: netpaths-b,"));
        assertEquals(2, run("--lab-state", state.toString(), "--case", "cross-cluster"));
        assertTrue(err.toString().contains("the peer is cluster A itself: both have the nodes"), err.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void compareNeedsAtLeastTwoRuns(@TempDir Path one) {
        assertEquals(2, run("--compare", one.toString()));
    }
}

package dev.netpaths.lab;

import dev.netpaths.lab.cni.CniKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabTargetsTest {
    private static final LabConfig CFG = new LabConfig(CniKind.FLANNEL, 3, 2, "b1", Path.of("/tmp/s"), Path.of("/repo"), List.of());

    private static LabTargets.LabPod pod(int cluster, String ns, String name, String node) {
        Pod p = new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withNodeName(node).endSpec().withNewStatus().withPodIP("10.244.1.3").endStatus().build();
        return new LabTargets.LabPod(cluster, p);
    }

    private static final List<LabTargets.LabPod> PODS = List.of(
            pod(0, "netpaths", "echo-0", "netpaths-worker"), pod(0, "netpaths", "echo-1", "netpaths-worker2"),
            pod(0, "netpaths", "sidecar-demo-0", "netpaths-worker"), pod(1, "netpaths", "echo-0", "netpaths-b-worker"));

    private static final Set<String> UP = Set.of("b1-host", "b1-netpaths-worker", "b1-c1-netpaths-echo-0", "b1-c1-netpaths-echo-1",
            "b1-c1-netpaths-sidecar-demo-0", "b1-c2-netpaths-echo-0");

    private final LabTargets targets = LabTargets.of(CFG, PODS, UP);

    @Test
    void hostNodesAndPodsResolveToTheLabsNamespaces() {
        assertEquals("b1-host", targets.resolve("host").netns());
        assertEquals(LabTargets.Kind.NODE, targets.resolve("netpaths-worker").kind());
        assertEquals("b1-netpaths-worker", targets.resolve("netpaths-worker").netns());
        assertEquals("b1-c1-netpaths-echo-1", targets.resolve("netpaths/echo-1").netns());
        assertEquals("b1-c1-netpaths-sidecar-demo-0", targets.resolve("sidecar-demo").netns(), "a unique start of a name is enough");
        assertEquals("b1-c2-netpaths-echo-0", targets.resolve("netpaths-b/netpaths/echo-0").netns(), "the second cluster's pods by cluster/ns/name");
    }

    /** The exec index lab.sh reads: what resolve takes exactly, nothing it refuses or takes only as a start of a name. */
    @Test
    void theExecIndexHoldsExactlyTheNamesThatResolveExactly() {
        List<String> index = targets.exactNames().lines().toList();
        assertEquals(List.of("host b1-host", "netpaths-worker b1-netpaths-worker", "netpaths/echo-0 b1-c1-netpaths-echo-0",
                "netpaths/echo-1 b1-c1-netpaths-echo-1", "echo-1 b1-c1-netpaths-echo-1",
                "netpaths/sidecar-demo-0 b1-c1-netpaths-sidecar-demo-0", "sidecar-demo-0 b1-c1-netpaths-sidecar-demo-0",
                "netpaths-b/netpaths/echo-0 b1-c2-netpaths-echo-0"), index,
                "echo-0 names two pods and netpaths-worker2's namespace is not recorded: both left to the CLI's errors");
        index.forEach(line -> assertEquals(line.split(" ")[1], targets.resolve(line.split(" ")[0]).netns(), line));
    }

    @Test
    void anAmbiguousNameListsTheCandidates() {
        LabException e = assertThrows(LabException.class, () -> targets.resolve("echo-0"));
        assertTrue(e.getMessage().contains("netpaths/echo-0") && e.getMessage().contains("netpaths-b/netpaths/echo-0"), e.getMessage());
    }

    @Test
    void anUnknownNameSaysWhatExists() {
        LabException e = assertThrows(LabException.class, () -> targets.resolve("nginx"));
        assertTrue(e.getMessage().contains("no pod, node or host named 'nginx'") && e.getMessage().contains("netpaths-worker2")
                && e.getMessage().contains("netpaths/sidecar-demo-0"), e.getMessage());
    }

    @Test
    void aNamespaceTheJournalDoesNotHoldMeansTheLabIsNotUp() {
        LabException e = assertThrows(LabException.class, () -> targets.resolve("netpaths-worker2"));
        assertTrue(e.getMessage().contains("the lab is not up"), e.getMessage());
    }

    @Test
    void rulesNeedANode() {
        LabException e = assertThrows(LabException.class, () -> targets.node("echo-1"));
        assertTrue(e.getMessage().contains("is not a node") && e.getMessage().contains("netpaths-control-plane"), e.getMessage());
    }

    @Test
    void noRecordedLabNamesHowToStartOne(@org.junit.jupiter.api.io.TempDir Path dir) {
        LabException e = assertThrows(LabException.class, () -> LabTargets.of(dir));
        assertTrue(e.getMessage().contains("no lab in " + dir) && e.getMessage().contains("lab.sh up"), e.getMessage());
    }

    @Test
    void aRecordedLabsPodsAreReadFromItsClusterYamlOnlyWhenAPodIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        new LabConfig(CniKind.FLANNEL, 3, 1, "b1", dir, Path.of("/repo"), List.of()).write();
        dev.netpaths.lab.state.Journal journal = new dev.netpaths.lab.state.Journal(dir);
        journal.netns("b1-host");
        journal.netns("b1-c1-netpaths-echo-7f9d-abcde");
        java.nio.file.Files.createDirectories(dir.resolve("netpaths"));
        java.nio.file.Path yaml = dir.resolve("netpaths").resolve("cluster.yaml");
        java.nio.file.Files.writeString(yaml, "not: [yaml");
        assertEquals("b1-host", LabTargets.of(dir).resolve("host").netns(), "the host needs no pod: cluster.yaml is not read");
        // a Service named like the pod and a Pod of another API group are not pods
        java.nio.file.Files.writeString(yaml, String.join("\n",
                "apiVersion: v1", "kind: List", "items:",
                "- apiVersion: v1", "  kind: Service", "  metadata: {name: echo-svc-abcde, namespace: netpaths}",
                "- apiVersion: v1", "  kind: Pod",
                "  metadata: {name: echo-7f9d-abcde, namespace: netpaths, labels: {app: echo}}",
                "  spec: {nodeName: netpaths-worker, containers: [{name: app, image: echo}]}",
                "  status: {podIP: 10.244.1.5, phase: Running}",
                "- apiVersion: example.com/v1", "  kind: Pod", "  metadata: {name: echo-other, namespace: netpaths}", ""));
        LabTargets.Target echo = LabTargets.of(dir).resolve("echo");
        assertEquals("b1-c1-netpaths-echo-7f9d-abcde", echo.netns());
        assertEquals("pod netpaths/echo-7f9d-abcde on netpaths-worker (10.244.1.5)", echo.label());
        LabException e = assertThrows(LabException.class, () -> LabTargets.of(dir).resolve("echo-other"));
        assertTrue(e.getMessage().contains("no pod, node or host named 'echo-other'"), e.getMessage());
    }
}

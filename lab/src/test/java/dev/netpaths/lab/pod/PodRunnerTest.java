package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PodRunnerTest {
    private static Pod sidecarDemo(String initRestartPolicy) {
        return new PodBuilder().withNewMetadata().withName("sidecar-demo-x").withNamespace("netpaths").endMetadata()
                .withNewSpec()
                .addNewInitContainer().withName("sidecar").withImage("netpaths/sidecar-demo:0.1.0").withRestartPolicy(initRestartPolicy).endInitContainer()
                .addNewContainer().withName("app").withImage("netpaths/sidecar-demo:0.1.0")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer()
                .endSpec().build();
    }

    @Test
    void nativeSidecarsStartBeforeTheContainers() {
        assertEquals(List.of("sidecar", "app"), PodRunner.containers(sidecarDemo("Always")).stream().map(Container::getName).toList());
    }

    @Test
    void runToCompletionInitContainersAreRefusedByName() {
        LabException e = assertThrows(LabException.class, () -> PodRunner.containers(sidecarDemo(null)));
        assertTrue(e.getMessage().contains("init container sidecar"), e.getMessage());
    }

    @Test
    void probePortResolvesByNameOrNumber() {
        Pod pod = sidecarDemo("Always");
        Container app = pod.getSpec().getContainers().get(0);
        RunningPod p = new RunningPod(pod, "np-c1-netpaths-sidecar-demo-x", null, Optional.empty());
        assertEquals(8080, PodRunner.port(app, new IntOrString("http"), p));
        assertEquals(9090, PodRunner.port(app, new IntOrString(9090), p));
        LabException e = assertThrows(LabException.class, () -> PodRunner.port(app, new IntOrString("metrics"), p));
        assertTrue(e.getMessage().contains("'metrics'"), e.getMessage());
    }

    /** kubelet: readiness is not probed (and the pod not ready) until the startup probe succeeded; then only readiness. */
    @Test
    void startupProbeGatesReadinessThenOnlyReadinessRuns() {
        // echo's own container: a startup probe and a readiness probe on different paths
        Container c = dev.netpaths.lab.api.Manifests.ofType(dev.netpaths.lab.api.Manifests.parse(
                        readString(java.nio.file.Path.of("../k8s/base/workloads/echo-service/deployment.yaml"))),
                io.fabric8.kubernetes.api.model.apps.Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
        String startup = c.getStartupProbe().getHttpGet().getPath();
        String readiness = c.getReadinessProbe().getHttpGet().getPath();
        java.util.Set<String> started = new java.util.HashSet<>();
        List<String> asked = new java.util.ArrayList<>();
        java.util.Map<String, Boolean> answers = new java.util.HashMap<>(java.util.Map.of(startup, false, readiness, true));
        java.util.function.BiPredicate<Container, io.fabric8.kubernetes.api.model.HTTPGetAction> probe = (x, get) -> {
            asked.add(get.getPath());
            return answers.get(get.getPath());
        };
        assertEquals(false, PodRunner.probeContainers(List.of(c), started, probe), "not started: not ready");
        assertEquals(List.of(startup), asked, "readiness is not probed before startup succeeded");
        answers.put(startup, true);
        assertEquals(true, PodRunner.probeContainers(List.of(c), started, probe));
        answers.put(readiness, false);
        asked.clear();
        assertEquals(false, PodRunner.probeContainers(List.of(c), started, probe), "readiness DOWN after startup: not ready");
        assertEquals(List.of(readiness), asked, "a started container's startup probe does not run again");
    }

    private static String readString(java.nio.file.Path path) {
        try {
            return java.nio.file.Files.readString(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

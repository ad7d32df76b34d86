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
}

package dev.netpaths.lab.pod;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PodStatusTest {
    private static Pod sidecarDemo() {
        return new PodBuilder().withNewMetadata().withNamespace("netpaths").withName("sidecar-demo-0").endMetadata()
                .withNewSpec().addNewInitContainer().withName("sidecar").withImage("s").withRestartPolicy("Always").endInitContainer()
                .addNewContainer().withName("app").withImage("a").endContainer().endSpec().withNewStatus().endStatus().build();
    }

    private static PodCondition condition(Pod p, String type) {
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void aFailedPodSaysWhichContainerExitedAndWhyInTheYamlTheHarnessReads() {
        Pod p = sidecarDemo();
        PodStatus.running(p, false);
        PodStatus.failed(p, List.of("sidecar"), "netpaths/sidecar-demo-0 sidecar exited; last lines of sidecar.log:\nbind failed");
        // through YAML, as cluster.yaml carries it
        Pod read = Serialization.unmarshal(Serialization.asYaml(p), Pod.class);
        assertFalse(PodStatus.isReady(read));
        assertEquals("ContainersNotReady", condition(read, "Ready").getReason());
        assertEquals("containers with unready status: [sidecar]", condition(read, "Ready").getMessage());
        ContainerStatus sidecar = read.getStatus().getInitContainerStatuses().get(0);
        assertNotNull(sidecar.getState().getTerminated(), "the exited sidecar is terminated, not running");
        assertEquals("Error", sidecar.getState().getTerminated().getReason());
        assertTrue(sidecar.getState().getTerminated().getMessage().contains("bind failed"), sidecar.getState().getTerminated().getMessage());
        ContainerStatus app = read.getStatus().getContainerStatuses().get(0);
        assertNotNull(app.getState().getRunning(), "the app still runs");
        assertNull(app.getState().getTerminated());
    }

    @Test
    void aReadyPodHasNoReasonToReport() {
        Pod p = sidecarDemo();
        PodStatus.running(p, true);
        assertTrue(PodStatus.isReady(p));
        assertNull(condition(p, "Ready").getReason());
        assertNotNull(p.getStatus().getInitContainerStatuses().get(0).getState().getRunning());
    }
}

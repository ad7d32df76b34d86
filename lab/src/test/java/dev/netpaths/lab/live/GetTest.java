package dev.netpaths.lab.live;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.pod.PodStatus;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code get} reads cluster.yaml as the EndpointSlice controller and kubelet left it, terminating pods included. */
class GetTest {
    private static Pod pod(String name, String ip, boolean ready, boolean deleting) {
        Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace("netpaths").endMetadata()
                .withNewSpec().withNodeName("netpaths-worker").addNewContainer().withName("app").endContainer().endSpec()
                .withNewStatus().withPodIP(ip).endStatus().build();
        PodStatus.running(p, ready);
        if (deleting) {
            p.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        }
        return p;
    }

    private static EndpointSlice slice(List<Pod> pods) {
        return new EndpointSliceBuilder().withNewMetadata().withName("echo-abcde").withNamespace("netpaths")
                .addToLabels("kubernetes.io/service-name", "echo").endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .withEndpoints(pods.stream().map(p -> new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder()
                        .withAddresses(p.getStatus().getPodIP())
                        .withNewConditions().withReady(PodStatus.isReady(p)).withServing(PodStatus.isReady(p)).withTerminating(false).endConditions()
                        .withNewTargetRef().withKind("Pod").withNamespace("netpaths").withName(p.getMetadata().getName()).endTargetRef()
                        .build()).toList())
                .build();
    }

    @Test
    void aDeletedPodShowsTerminatingAndItsEndpointServingButNotReady(@TempDir Path dir) throws Exception {
        Pod staying = pod("echo-1", "10.244.1.3", true, false);
        Pod leaving = pod("echo-2", "10.244.2.3", true, true);
        List<EndpointSlice> slices = TerminatingEndpoints.mark(new ArrayList<>(List.of(slice(List.of(staying, leaving)))),
                List.of(staying, leaving));
        Path yaml = dir.resolve("cluster.yaml");
        Files.writeString(yaml, Serialization.asYaml(new KubernetesListBuilder().addToItems(staying, leaving).addToItems(slices.get(0)).build()));

        List<String> pods = Get.lines(yaml, "pods", "netpaths", true);
        assertTrue(pods.get(1).matches("echo-1 +1/1 +Running +0 .* 10\\.244\\.1\\.3 +netpaths-worker"), pods.get(1));
        assertTrue(pods.get(2).matches("echo-2 +1/1 +Terminating +0 .*"), pods.get(2));
        assertEquals("echo-abcde                     IPv4         8080         10.244.1.3(ready serving),10.244.2.3(serving terminating)",
                Get.lines(yaml, "endpointslices", "netpaths", true).get(1));
        assertEquals(List.of("NAME                           ADDRESSTYPE  PORTS        ENDPOINTS"),
                Get.lines(yaml, "endpointslices", "other-namespace", true));
        assertEquals("the server doesn't have a resource type \"deployments\" (the lab shows pods, svc, endpointslices)",
                assertThrows(LabException.class, () -> Get.lines(yaml, "deployments", null, false)).getMessage());
    }

    @Test
    void withoutALabItSaysSo(@TempDir Path dir) {
        assertTrue(assertThrows(LabException.class, () -> Get.lines(dir.resolve("cluster.yaml"), "pods", null, false))
                .getMessage().startsWith("no running lab"));
    }

    @Test
    void aPodWhoseContainerExitedSinceTheLastVerbShowsNotReadyAndErrorWithItsRestartCount(@TempDir Path dir) throws Exception {
        Pod dead = pod("echo-1", "10.244.1.3", true, false);
        PodStatus.restarted(dead, 2);
        PodStatus.running(dead, true);
        Pod alive = pod("echo-2", "10.244.2.3", true, false);
        Path yaml = dir.resolve("cluster.yaml");
        Files.writeString(yaml, Serialization.asYaml(new KubernetesListBuilder().addToItems(dead, alive).build()));

        List<String> pods = Get.lines(yaml, "pods", "netpaths", false,
                p -> p.getMetadata().getName().equals("echo-1") ? List.of("app") : List.of());
        assertTrue(pods.get(1).matches("echo-1 +0/1 +Error +2 .*"), pods.get(1));
        assertTrue(pods.get(2).matches("echo-2 +1/1 +Running +0 .*"), pods.get(2));
    }
}

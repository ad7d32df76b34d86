package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointsControllerTest {
    private static List<EndpointSlice> of(Fixtures.Cluster cluster, String namespace, String name) {
        return EndpointsController.slicesOf(cluster.service(namespace, name), cluster.slices());
    }

    @Test
    void namedTargetPortsResolveToThePodsContainerPorts() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        List<EndpointSlice> slices = of(cluster, "netpaths", "echo");
        assertEquals(1, slices.size());
        EndpointSlice slice = slices.get(0);
        assertEquals("IPv4", slice.getAddressType());
        assertEquals("echo", slice.getMetadata().getLabels().get(EndpointsController.SERVICE_NAME_LABEL));
        assertEquals(List.of("http 8080/TCP", "udp 5005/UDP"), slice.getPorts().stream()
                .map(p -> p.getName() + " " + p.getPort() + "/" + p.getProtocol()).toList());
        assertEquals(List.of("10.244.1.3", "10.244.2.3"), slice.getEndpoints().stream()
                .map(e -> e.getAddresses().get(0)).sorted().toList());
        Endpoint first = slice.getEndpoints().stream().filter(e -> e.getAddresses().get(0).equals("10.244.1.3")).findFirst().orElseThrow();
        assertEquals("netpaths-worker", first.getNodeName());
        assertEquals("Pod", first.getTargetRef().getKind());
        assertTrue(first.getTargetRef().getName().startsWith("echo-"));
        assertTrue(first.getConditions().getReady());
    }

    @Test
    void readinessComesFromThePodsReadyCondition() {
        Fixtures.Cluster ready = Fixtures.cluster();
        String v2 = ready.pods("netpaths", "echo-service").stream()
                .filter(p -> "v2".equals(p.getMetadata().getLabels().get("version"))).findFirst().orElseThrow()
                .getMetadata().getName();
        Endpoint endpoint = of(Fixtures.cluster(v2), "netpaths", "echo-v2").get(0).getEndpoints().get(0);
        assertFalse(endpoint.getConditions().getReady());
        assertFalse(endpoint.getConditions().getServing());
    }

    @Test
    void externalNameAndSelectorlessServicesGetNoSlices() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        assertTrue(of(cluster, "netpaths", "echo-other").isEmpty());
        assertTrue(cluster.slices().stream().allMatch(s -> s.getMetadata().getName()
                .matches(s.getMetadata().getLabels().get(EndpointsController.SERVICE_NAME_LABEL) + "-[a-z0-9]{5}")));
    }

    @Test
    void podsDisagreeingOnANamedPortLandInSeparateSlicesAndHostnamesAreKept() {
        Fixtures.Cluster cluster = Fixtures.cluster();
        List<Pod> pods = new ArrayList<>(cluster.pods());
        Pod odd = pods.stream().filter(p -> p.getMetadata().getName().startsWith("echo-restricted")).findFirst().orElseThrow();
        pods.add(new PodBuilder(odd).editMetadata().withName("echo-restricted-odd").endMetadata()
                .editSpec().withHostname("odd").withSubdomain("echo-restricted")
                .editFirstContainer().editFirstPort().withContainerPort(9090).endPort().endContainer().endSpec()
                .editStatus().withPodIP("10.244.2.99").endStatus().build());
        Service restricted = cluster.service("netpaths-other", "echo-restricted");
        List<EndpointSlice> slices = EndpointsController.slices(List.of(restricted), pods);
        assertEquals(List.of(8080, 9090), slices.stream().map(s -> s.getPorts().get(0).getPort()).toList());
        assertEquals("odd", slices.get(1).getEndpoints().get(0).getHostname());
    }
}

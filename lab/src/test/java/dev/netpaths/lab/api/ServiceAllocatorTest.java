package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceAllocatorTest {
    private static Service service(String namespace, String name, String type, String clusterIp, Integer nodePort) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withType(type).withClusterIP(clusterIp).withSelector(java.util.Map.of("a", "b"))
                .addNewPort().withName("http").withPort(8080).withNodePort(nodePort).endPort().endSpec().build();
    }

    @Test
    void allocatesFromTheCidrSkippingDotOneTheDnsIpAndExplicitOnes() {
        List<Service> services = List.of(
                service("b", "second", null, null, null),
                service("a", "first", null, null, null),
                service("c", "explicit", null, "10.96.0.2", null),
                service("kube-system", "kube-dns", null, "10.96.0.10", null),
                service("d", "headless", null, "None", null));
        ServiceAllocator.admit(services, "10.96.0.0/12", "10.96.0.10");
        assertEquals("10.96.0.3", services.get(1).getSpec().getClusterIP()); // a/first: lowest free after .1 and .2
        assertEquals("10.96.0.4", services.get(0).getSpec().getClusterIP());
        assertEquals(List.of("10.96.0.4"), services.get(0).getSpec().getClusterIPs());
        assertEquals("None", services.get(4).getSpec().getClusterIP());
        assertEquals("ClusterIP", services.get(0).getSpec().getType());
        assertEquals("TCP", services.get(0).getSpec().getPorts().get(0).getProtocol());
    }

    @Test
    void neverHandsOutTheDnsIp() {
        List<Service> services = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            services.add(service("ns", "s" + (char) ('a' + i), null, null, null));
        }
        ServiceAllocator.admit(services, "10.96.0.0/12", "10.96.0.10");
        assertTrue(services.stream().noneMatch(s -> s.getSpec().getClusterIP().equals("10.96.0.10")));
        assertEquals("10.96.0.11", services.get(8).getSpec().getClusterIP());
    }

    @Test
    void nodePortsKeepExplicitOnesAndFillTheRest() {
        List<Service> services = List.of(
                service("ns", "explicit", "NodePort", null, 30000),
                service("ns", "lb", "LoadBalancer", null, null),
                service("ns", "plain", "ClusterIP", null, null));
        ServiceAllocator.admit(services, "10.96.0.0/12", "10.96.0.10");
        assertEquals(30000, services.get(0).getSpec().getPorts().get(0).getNodePort());
        assertEquals(30001, services.get(1).getSpec().getPorts().get(0).getNodePort());
        assertEquals("Cluster", services.get(1).getSpec().getExternalTrafficPolicy());
        assertNull(services.get(2).getSpec().getPorts().get(0).getNodePort());
    }

    @Test
    void collisionsNameBothServices() {
        IllegalArgumentException ip = assertThrows(IllegalArgumentException.class, () -> ServiceAllocator.admit(List.of(
                service("a", "one", null, "10.96.0.20", null), service("b", "two", null, "10.96.0.20", null)),
                "10.96.0.0/12", "10.96.0.10"));
        assertEquals("Service b/two: clusterIP 10.96.0.20 is already allocated to Service a/one", ip.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> ServiceAllocator.admit(List.of(
                service("a", "one", "NodePort", null, 30080), service("b", "two", "NodePort", null, 30080)),
                "10.96.0.0/12", "10.96.0.10"));
        assertEquals("Service b/two: nodePort 30080/TCP is already allocated to Service a/one", port.getMessage());
        IllegalArgumentException dns = assertThrows(IllegalArgumentException.class, () -> ServiceAllocator.admit(List.of(
                service("a", "one", null, "10.96.0.10", null)), "10.96.0.0/12", "10.96.0.10"));
        assertTrue(dns.getMessage().contains("reserved for kube-system/kube-dns"), dns.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServiceAllocator.admit(List.of(
                service("a", "one", null, "10.0.0.1", null)), "10.96.0.0/12", "10.96.0.10"));
    }

    @Test
    void refusesByNameWhatKubeProxyWouldDoAndTheLabDoesNot() {
        Service dual = service("a", "dual", null, null, null);
        dual.getSpec().setIpFamilies(List.of("IPv4", "IPv6"));
        Service hints = service("a", "hints", null, null, null);
        hints.getMetadata().setAnnotations(java.util.Map.of("service.kubernetes.io/topology-mode", "Auto"));
        Service distribution = service("a", "distribution", null, null, null);
        distribution.getSpec().setTrafficDistribution("PreferClose");
        Service other = service("a", "other-proxy", null, null, null);
        other.getMetadata().setLabels(java.util.Map.of("service.kubernetes.io/service-proxy-name", "cilium"));
        Service health = service("a", "health", "LoadBalancer", null, null);
        health.getSpec().setExternalTrafficPolicy("Local");
        health.getSpec().setHealthCheckNodePort(31000);
        for (Service refused : List.of(dual, hints, distribution, other, health)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServiceAllocator.admit(List.of(refused), "10.96.0.0/12", "10.96.0.10"));
            assertTrue(e.getMessage().startsWith("Service a/" + refused.getMetadata().getName() + ": the lab does not model "),
                    e.getMessage());
            assertNull(refused.getSpec().getClusterIP(), "nothing allocated for a refused Service");
        }
        Service affinity = service("a", "sticky", null, null, null);
        affinity.getSpec().setSessionAffinity("ClientIP");
        Service plain = service("a", "plain", null, null, null);
        ServiceAllocator.admit(List.of(affinity, plain), "10.96.0.0/12", "10.96.0.10");
        assertEquals(10800, affinity.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());
        assertEquals("None", plain.getSpec().getSessionAffinity());
    }
}

package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfigBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.netpaths.lab.net.Ipv4;

/**
 * The API server's Service admission for the lab: fills {@code spec.type} (ClusterIP when absent), port
 * protocols (TCP when absent), {@code targetPort} (the port when absent), {@code spec.clusterIP} and
 * {@code spec.clusterIPs}, node ports, and {@code externalTrafficPolicy: Cluster} for NodePort/LoadBalancer
 * Services without one; rejects collisions.
 *
 * <p>ClusterIPs: explicit ones are kept (and must lie in the Service CIDR); {@code None} stays headless;
 * ExternalName Services get none; the others get the lowest free address from the CIDR in
 * namespace/name order, skipping the network address, {@code .1} (the {@code kubernetes} Service) and the
 * DNS IP (reserved for {@code kube-system/kube-dns}). The real allocator picks randomly; the order here is
 * deterministic so IPs repeat run to run. Node ports: explicit ones are kept, NodePort and LoadBalancer
 * ports without one get the lowest free port from 30000-32767 (again deterministic, real is random), unique
 * per protocol. {@code sessionAffinity} defaults to {@code None}, and {@code ClientIP} gets
 * {@code sessionAffinityConfig.clientIP.timeoutSeconds: 10800} when it has none (the API's defaulting).
 *
 * <p>What kube-proxy would act on but the lab does not implement is refused with "the lab does not model
 * &lt;field&gt;" rather than silently ignored: IPv6 or dual-stack ({@code spec.ipFamilies} other than IPv4,
 * {@code spec.ipFamilyPolicy: RequireDualStack}), {@code spec.trafficDistribution} and the topology
 * annotations (kube-proxy's topology hints), an explicit {@code spec.healthCheckNodePort}, the
 * {@code service.kubernetes.io/service-proxy-name} label (kube-proxy skips such Services).
 */
public final class ServiceAllocator {
    /** The default Kubernetes NodePort range, inclusive. */
    public static final int NODE_PORT_MIN = 30000;
    public static final int NODE_PORT_MAX = 32767;
    private static final String KUBE_DNS = "kube-system/kube-dns";

    private ServiceAllocator() {
    }

    /**
     * Allocates in place.
     *
     * @throws IllegalArgumentException naming the Service(s) on a duplicate ClusterIP, duplicate node port
     *                                  (same protocol), a ClusterIP or node port out of range, the DNS IP
     *                                  taken by anything but {@code kube-system/kube-dns}, or an exhausted range
     */
    public static void admit(List<Service> services, String serviceCidr, String dnsIp) {
        Ipv4.Cidr cidr = Ipv4.Cidr.parse(serviceCidr);
        long dns = Ipv4.parse(dnsIp);
        if (!cidr.contains(dns)) {
            throw new IllegalArgumentException("DNS IP " + dnsIp + " is outside the Service CIDR " + serviceCidr);
        }
        List<Service> ordered = new ArrayList<>(services);
        ordered.sort(Comparator.comparing(Kube::key));
        for (Service service : ordered) {
            defaults(service);
        }

        Map<Long, String> usedIps = new HashMap<>();
        usedIps.put(cidr.first() + 1, "default/kubernetes");
        for (Service service : ordered) {
            String ip = service.getSpec().getClusterIP();
            if (ip == null || ip.isEmpty() || "None".equals(ip)) {
                continue;
            }
            long value = Ipv4.parse(ip);
            if (!cidr.contains(value)) {
                throw new IllegalArgumentException("Service " + Kube.key(service) + ": clusterIP " + ip
                        + " is outside the Service CIDR " + serviceCidr);
            }
            if (value == dns && !KUBE_DNS.equals(Kube.key(service))) {
                throw new IllegalArgumentException("Service " + Kube.key(service) + ": clusterIP " + ip
                        + " is reserved for " + KUBE_DNS);
            }
            String previous = usedIps.putIfAbsent(value, Kube.key(service));
            if (previous != null) {
                throw new IllegalArgumentException("Service " + Kube.key(service) + ": clusterIP " + ip
                        + " is already allocated to Service " + previous);
            }
        }
        usedIps.putIfAbsent(dns, KUBE_DNS);
        long next = cidr.first() + 2;
        for (Service service : ordered) {
            ServiceSpec spec = service.getSpec();
            if ("ExternalName".equals(spec.getType()) || spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
                if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
                    spec.setClusterIPs(List.of(spec.getClusterIP()));
                }
                continue;
            }
            while (usedIps.containsKey(next)) {
                next++;
            }
            if (next >= cidr.last()) {
                throw new IllegalArgumentException("Service " + Kube.key(service) + ": the Service CIDR "
                        + serviceCidr + " is exhausted");
            }
            usedIps.put(next, Kube.key(service));
            spec.setClusterIP(Ipv4.format(next));
            spec.setClusterIPs(List.of(Ipv4.format(next)));
        }
        allocateNodePorts(ordered);
    }

    private static void defaults(Service service) {
        ServiceSpec spec = service.getSpec();
        if (spec == null) {
            throw new IllegalArgumentException("Service " + Kube.key(service) + " has no spec");
        }
        if (service.getMetadata().getNamespace() == null) {
            service.getMetadata().setNamespace("default");
        }
        if (spec.getType() == null || spec.getType().isEmpty()) {
            spec.setType("ClusterIP");
        }
        if (spec.getPorts() != null) {
            for (ServicePort port : spec.getPorts()) {
                if (port.getProtocol() == null) {
                    port.setProtocol("TCP");
                }
                if (port.getTargetPort() == null && !"ExternalName".equals(spec.getType())) {
                    port.setTargetPort(new IntOrString(port.getPort()));
                }
            }
        }
        if (exposesNodePorts(service) && spec.getExternalTrafficPolicy() == null) {
            spec.setExternalTrafficPolicy("Cluster");
        }
        if (spec.getSessionAffinity() == null || spec.getSessionAffinity().isEmpty()) {
            spec.setSessionAffinity("None");
        }
        if (!"None".equals(spec.getSessionAffinity()) && !"ClientIP".equals(spec.getSessionAffinity())) {
            throw new IllegalArgumentException("Service " + Kube.key(service) + ": spec.sessionAffinity "
                    + spec.getSessionAffinity() + " is neither None nor ClientIP");
        }
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            if (spec.getSessionAffinityConfig() == null || spec.getSessionAffinityConfig().getClientIP() == null
                    || spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() == null) {
                spec.setSessionAffinityConfig(new SessionAffinityConfigBuilder().withNewClientIP()
                        .withTimeoutSeconds(DEFAULT_AFFINITY_TIMEOUT).endClientIP().build());
            }
            int timeout = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
            if (timeout <= 0 || timeout > DEFAULT_AFFINITY_TIMEOUT * 8) {
                throw new IllegalArgumentException("Service " + Kube.key(service)
                        + ": sessionAffinityConfig.clientIP.timeoutSeconds must be in 1-86400, got " + timeout);
            }
        }
        refuseUnmodelled(service);
    }

    /** kube-core's default ClientIP affinity timeout (3 hours). */
    public static final int DEFAULT_AFFINITY_TIMEOUT = 10800;

    private static void refuseUnmodelled(Service service) {
        ServiceSpec spec = service.getSpec();
        List<String> fields = new ArrayList<>();
        if (spec.getIpFamilies() != null && spec.getIpFamilies().stream().anyMatch(f -> !"IPv4".equals(f))) {
            fields.add("spec.ipFamilies " + spec.getIpFamilies() + " (the lab is IPv4 single-stack)");
        }
        if ("RequireDualStack".equals(spec.getIpFamilyPolicy())) {
            fields.add("spec.ipFamilyPolicy RequireDualStack (the lab is IPv4 single-stack)");
        }
        if (spec.getTrafficDistribution() != null) {
            fields.add("spec.trafficDistribution (kube-proxy's topology hints)");
        }
        Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of()
                : service.getMetadata().getAnnotations();
        for (String topology : List.of("service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints")) {
            if (annotations.containsKey(topology)) {
                fields.add("the " + topology + " annotation (kube-proxy's topology hints)");
            }
        }
        if (spec.getHealthCheckNodePort() != null && spec.getHealthCheckNodePort() != 0) {
            fields.add("spec.healthCheckNodePort");
        }
        if (Kube.labels(service).containsKey("service.kubernetes.io/service-proxy-name")) {
            fields.add("the service.kubernetes.io/service-proxy-name label (a proxy other than kube-proxy)");
        }
        if (!fields.isEmpty()) {
            throw new IllegalArgumentException("Service " + Kube.key(service) + ": the lab does not model "
                    + String.join("; nor ", fields));
        }
    }

    private static boolean exposesNodePorts(Service service) {
        String type = service.getSpec().getType();
        return "NodePort".equals(type) || "LoadBalancer".equals(type)
                && !Boolean.FALSE.equals(service.getSpec().getAllocateLoadBalancerNodePorts());
    }

    private static void allocateNodePorts(List<Service> ordered) {
        Map<String, String> used = new HashMap<>();
        for (Service service : ordered) {
            for (ServicePort port : ports(service)) {
                Integer nodePort = port.getNodePort();
                if (nodePort == null || nodePort == 0) {
                    continue;
                }
                if (!exposesNodePorts(service)) {
                    throw new IllegalArgumentException("Service " + Kube.key(service) + ": nodePort " + nodePort
                            + " on a Service of type " + service.getSpec().getType());
                }
                if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
                    throw new IllegalArgumentException("Service " + Kube.key(service) + ": nodePort " + nodePort
                            + " is outside " + NODE_PORT_MIN + "-" + NODE_PORT_MAX);
                }
                String key = nodePort + "/" + port.getProtocol();
                String previous = used.putIfAbsent(key, Kube.key(service));
                if (previous != null) {
                    throw new IllegalArgumentException("Service " + Kube.key(service) + ": nodePort " + key
                            + " is already allocated to Service " + previous);
                }
            }
        }
        int next = NODE_PORT_MIN;
        for (Service service : ordered) {
            if (!exposesNodePorts(service)) {
                continue;
            }
            for (ServicePort port : ports(service)) {
                if (port.getNodePort() != null && port.getNodePort() != 0) {
                    continue;
                }
                // a number free for every protocol, so an allocated port never shares its number with another Service
                while (used.containsKey(next + "/TCP") || used.containsKey(next + "/UDP") || used.containsKey(next + "/SCTP")) {
                    next++;
                }
                if (next > NODE_PORT_MAX) {
                    throw new IllegalArgumentException("Service " + Kube.key(service) + ": the node port range is exhausted");
                }
                used.put(next + "/" + port.getProtocol(), Kube.key(service));
                port.setNodePort(next);
            }
        }
    }

    private static List<ServicePort> ports(Service service) {
        return service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
    }
}

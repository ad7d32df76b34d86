package dev.netpaths.lab.dataplane;

import dev.netpaths.lab.api.EndpointsController.ReadyEndpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.netpaths.lab.addons.MetalLb;
import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.ServiceAllocator;
import dev.netpaths.lab.net.Ipv4;

/**
 * What both of kube-proxy's Linux proxiers decide alike for one Service port on one node, before either writes a
 * rule: {@code syncProxyRules}' categorisation of endpoints ({@code proxy.CategorizeEndpoints}: all ready endpoints,
 * this node's ones) and the flags derived from the traffic policies, in {@code kubernetes/kubernetes}
 * {@code pkg/proxy/iptables/proxier.go} and {@code pkg/proxy/nftables/proxier.go} alike (hasEndpoints,
 * hasInternalEndpoints, hasExternalEndpoints, usesClusterPolicyChain, usesLocalPolicyChain,
 * ExternallyAccessible, the ClientIP affinity timeout). {@link KubeProxy} (iptables) and {@link KubeProxyNft}
 * (nftables) each turn one plan into their own rules.
 */
record ServicePortPlan(Service service, ServicePort port, List<ReadyEndpoint> all, List<ReadyEndpoint> local,
                       String nodeIp) {

    /** Every proxied Service port for {@code self}, in kube-proxy's ServicePortName order (then protocol). */
    static List<ServicePortPlan> of(Node self, List<Service> services, List<EndpointSlice> slices) {
        String nodeName = self.getMetadata().getName();
        String nodeIp = nodeIp(self);
        List<ServicePortPlan> out = new ArrayList<>();
        for (Service service : services) {
            String clusterIp = service.getSpec().getClusterIP();
            if ("ExternalName".equals(service.getSpec().getType()) || clusterIp == null || clusterIp.isEmpty()
                    || "None".equals(clusterIp) || service.getSpec().getPorts() == null) {
                continue;
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                List<ReadyEndpoint> all = EndpointsController.readyEndpoints(service, port, slices);
                out.add(new ServicePortPlan(service, port, all,
                        all.stream().filter(ep -> nodeName.equals(ep.nodeName())).toList(), nodeIp));
            }
        }
        out.sort(Comparator.comparing(ServicePortPlan::name).thenComparing(ServicePortPlan::protocol));
        return out;
    }

    /** The node's InternalIP (kube-proxy's {@code nodeIP}), or null. */
    static String nodeIp(Node self) {
        return self.getStatus() == null || self.getStatus().getAddresses() == null ? null
                : self.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                .map(a -> a.getAddress()).findFirst().orElse(null);
    }

    /** kube-proxy's ServicePortName string: {@code ns/name:port} ({@code ns/name} for an unnamed port). */
    String name() {
        String portName = port.getName();
        return Kube.key(service) + (portName == null || portName.isEmpty() ? "" : ":" + portName);
    }

    /** The port's name, empty when unnamed. */
    String portName() {
        return port.getName() == null ? "" : port.getName();
    }

    String protocol() {
        return (port.getProtocol() == null ? "TCP" : port.getProtocol()).toLowerCase(Locale.ROOT);
    }

    String clusterIp() {
        return service.getSpec().getClusterIP();
    }

    int portNumber() {
        return port.getPort();
    }

    /** The node port, or 0. */
    int nodePort() {
        return port.getNodePort() == null ? 0 : port.getNodePort();
    }

    List<String> externalIps() {
        return service.getSpec().getExternalIPs() == null ? List.of() : service.getSpec().getExternalIPs();
    }

    /** The load balancer ingress IP MetalLB assigned, or null. */
    String loadBalancerIp() {
        return "LoadBalancer".equals(service.getSpec().getType()) ? MetalLb.ingressIp(service) : null;
    }

    /** {@code loadBalancerSourceRanges}, trimmed and normalised (kube-proxy ignores surrounding spaces). */
    List<String> sourceRanges() {
        return service.getSpec().getLoadBalancerSourceRanges() == null ? List.of()
                : service.getSpec().getLoadBalancerSourceRanges().stream().map(r -> Ipv4.Cidr.parse(r.trim()).toString()).toList();
    }

    /** Whether a source range holds the node IP: then traffic from the VIP itself is allowed too ({@code allowFromNode}). */
    boolean allowFromNode() {
        return nodeIp != null && sourceRanges().stream().anyMatch(r -> Ipv4.Cidr.parse(r).contains(Ipv4.parse(nodeIp)));
    }

    boolean internalLocal() {
        return "Local".equals(service.getSpec().getInternalTrafficPolicy());
    }

    boolean externalLocal() {
        return "Local".equals(service.getSpec().getExternalTrafficPolicy());
    }

    boolean hasEndpoints() {
        return !all.isEmpty();
    }

    boolean hasInternalEndpoints() {
        return internalLocal() ? !local.isEmpty() : hasEndpoints();
    }

    boolean hasExternalEndpoints() {
        return externalLocal() ? !local.isEmpty() : hasEndpoints();
    }

    /** ExternallyAccessible: a node port, an external IP or a load balancer IP. */
    boolean externallyAccessible() {
        return !externalIps().isEmpty() || loadBalancerIp() != null || nodePort() != 0;
    }

    /** usesClusterPolicyChain: Cluster endpoints exist and some traffic uses them. */
    boolean usesCluster() {
        return hasEndpoints() && (!internalLocal() || externallyAccessible());
    }

    /** usesLocalPolicyChain: this node has endpoints and some traffic is limited to them. */
    boolean usesLocal() {
        return !local.isEmpty() && (internalLocal() || externalLocal() && externallyAccessible());
    }

    /** allLocallyReachableEndpoints: the endpoints that get an endpoint chain on this node. */
    List<ReadyEndpoint> reachable() {
        return usesCluster() ? all : usesLocal() ? local : List.of();
    }

    /** {@code sessionAffinity: ClientIP}'s timeout, or 0 without affinity. */
    int stickySeconds() {
        var spec = service.getSpec();
        if (!"ClientIP".equals(spec.getSessionAffinity())) {
            return 0;
        }
        var config = spec.getSessionAffinityConfig();
        return config == null || config.getClientIP() == null || config.getClientIP().getTimeoutSeconds() == null
                ? ServiceAllocator.DEFAULT_AFFINITY_TIMEOUT : config.getClientIP().getTimeoutSeconds();
    }
}

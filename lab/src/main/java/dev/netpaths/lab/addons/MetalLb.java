package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.net.Ipv4;

/**
 * MetalLB's controller (address assignment) and its L2 speaker election.
 *
 * <p>Assignment: every LoadBalancer Service without an ingress IP gets one from the {@code IPAddressPool}s
 * ({@code metallb.io/v1beta1}, {@code spec.addresses} as {@code a.b.c.d-e.f.g.h} ranges or CIDRs, every
 * address usable as with {@code avoidBuggyIPs: false}; pools in name order, addresses in order; pools with
 * {@code spec.autoAssign: false} only on request). A requested IP ({@code metallb.universe.tf/loadBalancerIPs}
 * or {@code metallb.io/loadBalancerIPs} annotation, first address, or {@code spec.loadBalancerIP}) is honoured
 * when it lies in a pool, and a {@code metallb.universe.tf/address-pool} annotation restricts the pools.
 * Requests are served first, then the rest in namespace/name order, each taking the lowest free address.
 * {@code spec.loadBalancerClass} other than unset means "not MetalLB's".
 *
 * <p>Election ({@code metallb/metallb speaker/layer2_controller.go}, {@code ShouldAnnounce}): nothing is
 * announced while the Service has no ready endpoint ({@code activeEndpointExists}); the candidates are the
 * ready nodes without the {@code node.kubernetes.io/exclude-from-external-load-balancers} label (kubeadm puts
 * it on the control plane; kind removes it from a single-node cluster) that an {@code L2Advertisement} of the
 * address's pool selects ({@code poolMatchesNodeL2}); with {@code externalTrafficPolicy: Local} only those
 * with a ready endpoint of the Service; they are ordered by sha256 of {@code node + "#" + ip} and the first
 * announces. An L2Advertisement covers the pools it names in {@code ipAddressPools} or selects with
 * {@code ipAddressPoolSelectors}, every pool when it has neither, and the nodes its {@code nodeSelectors}
 * select, every node when it has none ({@code internal/config/config.go}, {@code setL2AdvertisementsToPools},
 * {@code selectedNodes}). Without an L2Advertisement for its pool an address is assigned but no node answers
 * ARP for it, as on a cluster. {@code interfaces} other than the lab nodes' {@code eth0} announce nothing.
 * Simplified: no memberlist (all nodes' speakers are alive), no IP sharing ({@code allow-shared-ip}).
 */
public final class MetalLb {
    public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
    private static final List<String> IP_ANNOTATIONS = List.of("metallb.universe.tf/loadBalancerIPs",
            "metallb.io/loadBalancerIPs");
    private static final String POOL_ANNOTATION = "metallb.universe.tf/address-pool";

    private MetalLb() {
    }

    private record Pool(String name, boolean autoAssign, List<Ipv4.Cidr> ranges) {
    }

    /**
     * Sets {@code status.loadBalancer.ingress[0].ip} in place for each LoadBalancer Service that has none,
     * from the {@code IPAddressPool}s among {@code ipAddressPools} (other kinds are skipped).
     *
     * @throws IllegalArgumentException naming the Service when a requested IP is in no pool or taken, or the
     *                                  pool naming a malformed address
     * @throws IllegalStateException    naming the Service when the pools are exhausted
     */
    public static void assign(List<Service> services, List<GenericKubernetesResource> ipAddressPools) {
        List<Pool> pools = ipAddressPools.stream().filter(g -> "IPAddressPool".equals(g.getKind())).map(MetalLb::pool)
                .sorted(Comparator.comparing(Pool::name)).toList();
        List<Service> ordered = services.stream()
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType()) && s.getSpec().getLoadBalancerClass() == null)
                .sorted(Comparator.comparing((Service s) -> requestedIp(s) == null).thenComparing(Kube::key))
                .toList();
        Map<Long, String> used = new HashMap<>();
        for (Service service : ordered) {
            String ip = ingressIp(service);
            if (ip != null) {
                used.put(Ipv4.parse(ip), Kube.key(service));
            }
        }
        for (Service service : ordered) {
            if (ingressIp(service) != null) {
                continue;
            }
            String poolName = service.getMetadata().getAnnotations() == null ? null
                    : service.getMetadata().getAnnotations().get(POOL_ANNOTATION);
            List<Pool> allowed = pools.stream().filter(p -> poolName == null || p.name().equals(poolName)).toList();
            String requested = requestedIp(service);
            long chosen = requested != null ? requested(service, requested, allowed, used) : firstFree(service, allowed, used);
            used.put(chosen, Kube.key(service));
            service.setStatus(new ServiceStatusBuilder(service.getStatus()).withNewLoadBalancer()
                    .withIngress(new LoadBalancerIngressBuilder().withIp(Ipv4.format(chosen)).withIpMode("VIP").build())
                    .endLoadBalancer().build());
        }
    }

    private static long requested(Service service, String ip, List<Pool> pools, Map<Long, String> used) {
        long value = Ipv4.parse(ip);
        if (pools.stream().noneMatch(p -> p.ranges().stream().anyMatch(r -> r.contains(value)))) {
            throw new IllegalArgumentException("Service " + Kube.key(service) + ": requested IP " + ip
                    + " is in no IPAddressPool it may use");
        }
        if (used.containsKey(value)) {
            throw new IllegalArgumentException("Service " + Kube.key(service) + ": requested IP " + ip
                    + " is already assigned to Service " + used.get(value));
        }
        return value;
    }

    private static long firstFree(Service service, List<Pool> pools, Map<Long, String> used) {
        for (Pool pool : pools) {
            if (!pool.autoAssign()) {
                continue;
            }
            for (Ipv4.Cidr range : pool.ranges()) {
                for (long ip = range.first(); ip <= range.last(); ip++) {
                    if (!used.containsKey(ip)) {
                        return ip;
                    }
                }
            }
        }
        throw new IllegalStateException("Service " + Kube.key(service) + ": no free address in the IPAddressPools "
                + pools.stream().map(Pool::name).toList());
    }

    private static String requestedIp(Service service) {
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        if (annotations != null) {
            for (String key : IP_ANNOTATIONS) {
                String value = annotations.get(key);
                if (value != null && !value.isBlank()) {
                    return value.split(",")[0].trim();
                }
            }
        }
        return Kube.emptyToNull(service.getSpec().getLoadBalancerIP());
    }

    @SuppressWarnings("unchecked")
    private static Pool pool(GenericKubernetesResource resource) {
        String name = Kube.key(resource);
        Object spec = resource.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> specMap) || !(specMap.get("addresses") instanceof List<?> addresses)) {
            throw new IllegalArgumentException("IPAddressPool " + name + " has no spec.addresses");
        }
        List<Ipv4.Cidr> ranges = new ArrayList<>();
        for (Object address : addresses) {
            String text = String.valueOf(address).trim();
            try {
                int dash = text.indexOf('-');
                if (dash < 0) {
                    ranges.add(Ipv4.Cidr.parse(text));
                } else {
                    long first = Ipv4.parse(text.substring(0, dash));
                    long last = Ipv4.parse(text.substring(dash + 1));
                    if (last < first) {
                        throw new IllegalArgumentException("range ends before it starts");
                    }
                    for (long ip = first; ip <= last; ip++) {
                        ranges.add(new Ipv4.Cidr(ip, 32));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("IPAddressPool " + name + ": bad address " + text + ": "
                        + e.getMessage(), e);
            }
        }
        boolean autoAssign = !Boolean.FALSE.equals(((Map<String, Object>) specMap).get("autoAssign"));
        return new Pool(resource.getMetadata().getName(), autoAssign, ranges);
    }

    public static String ingressIp(Service service) {
        if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null
                || service.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return null;
        }
        return Kube.emptyToNull(service.getStatus().getLoadBalancer().getIngress().get(0).getIp());
    }

    /**
     * The node that answers ARP for {@code svc}'s ingress IP, or {@code null} when no node may: no ready
     * endpoint, no L2Advertisement for the address's pool, no candidate node, or (with
     * {@code externalTrafficPolicy: Local}) no ready endpoint on any candidate node.
     *
     * @param metallb the MetalLB objects ({@code IPAddressPool}s and {@code L2Advertisement}s)
     * @throws IllegalArgumentException naming the Service when it has no ingress IP
     */
    public static String announcingNode(Service svc, List<EndpointSlice> slices, List<Node> nodes,
                                        List<GenericKubernetesResource> metallb) {
        String ip = ingressIp(svc);
        if (ip == null) {
            throw new IllegalArgumentException("Service " + Kube.key(svc) + " has no load balancer ingress IP");
        }
        Set<String> withEndpoints = new HashSet<>();
        boolean anyReady = false;
        for (EndpointSlice slice : EndpointsController.slicesOf(svc, slices)) {
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (EndpointsController.isReady(endpoint)) {
                    anyReady = true;
                    if (endpoint.getNodeName() != null) {
                        withEndpoints.add(endpoint.getNodeName());
                    }
                }
            }
        }
        if (!anyReady) {
            return null; // activeEndpointExists: "notOwner" on every speaker
        }
        Set<String> advertising = advertisingNodes(ip, nodes, metallb);
        boolean local = "Local".equals(svc.getSpec().getExternalTrafficPolicy());
        return nodes.stream()
                .filter(MetalLb::isReady)
                .filter(n -> !Kube.labels(n).containsKey(EXCLUDE_LABEL))
                .map(n -> n.getMetadata().getName())
                .filter(advertising::contains)
                .filter(name -> !local || withEndpoints.contains(name))
                .min((a, b) -> Arrays.compareUnsigned(Kube.sha256(a + "#" + ip), Kube.sha256(b + "#" + ip)))
                .orElse(null);
    }

    /** The nodes some L2Advertisement of {@code ip}'s pool selects (empty when the IP is in no pool or none covers it). */
    private static Set<String> advertisingNodes(String ip, List<Node> nodes, List<GenericKubernetesResource> metallb) {
        long value = Ipv4.parse(ip);
        List<GenericKubernetesResource> pools = metallb.stream().filter(g -> "IPAddressPool".equals(g.getKind())).toList();
        GenericKubernetesResource pool = pools.stream()
                .filter(p -> pool(p).ranges().stream().anyMatch(r -> r.contains(value))).findFirst().orElse(null);
        Set<String> result = new HashSet<>();
        if (pool == null) {
            return result;
        }
        for (GenericKubernetesResource ad : metallb.stream().filter(g -> "L2Advertisement".equals(g.getKind())).toList()) {
            Map<String, Object> spec = spec(ad);
            List<?> names = list(spec.get("ipAddressPools"));
            List<?> poolSelectors = list(spec.get("ipAddressPoolSelectors"));
            boolean coversPool = names.isEmpty() && poolSelectors.isEmpty()
                    || names.contains(pool.getMetadata().getName())
                    || poolSelectors.stream().anyMatch(sel -> Kube.matches(selector(sel), Kube.labels(pool), Kube.ref(ad)));
            List<?> interfaces = list(spec.get("interfaces"));
            if (!coversPool || !interfaces.isEmpty() && !interfaces.contains(NODE_INTERFACE)) {
                continue;
            }
            List<?> nodeSelectors = list(spec.get("nodeSelectors"));
            for (Node node : nodes) {
                if (nodeSelectors.isEmpty() || nodeSelectors.stream()
                        .anyMatch(sel -> Kube.matches(selector(sel), Kube.labels(node), Kube.ref(ad)))) {
                    result.add(node.getMetadata().getName());
                }
            }
        }
        return result;
    }

    /** The interface the lab's nodes announce on (kind nodes' eth0 on the Docker network). */
    static final String NODE_INTERFACE = "eth0";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        Object spec = resource.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static LabelSelector selector(Object value) {
        return Serialization.unmarshal(Serialization.asJson(value), LabelSelector.class);
    }

    /** A node without a Ready condition counts as ready (the lab may not write node conditions). */
    private static boolean isReady(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return true;
        }
        for (NodeCondition condition : node.getStatus().getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return true;
    }
}

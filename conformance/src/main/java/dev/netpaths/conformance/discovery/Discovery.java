package dev.netpaths.conformance.discovery;

import dev.netpaths.conformance.discovery.Topology.Cni;
import dev.netpaths.conformance.discovery.Topology.Endpoint;
import dev.netpaths.conformance.discovery.Topology.Gateway;
import dev.netpaths.conformance.discovery.Topology.GatewayApi;
import dev.netpaths.conformance.discovery.Topology.Istio;
import dev.netpaths.conformance.discovery.Topology.Peer;
import dev.netpaths.conformance.discovery.Topology.Policy;
import dev.netpaths.conformance.discovery.Topology.Port;
import dev.netpaths.conformance.discovery.Topology.Rule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Interprets one {@link ClusterSnapshot} as a {@link Topology}: the same code for a kube context and the lab's state
 * file. It reads nothing itself.
 */
public final class Discovery {

    static final String LAB_CONFIG_NAMESPACE = "kube-system";
    static final String LAB_CONFIG_NAME = "netpaths-lab";
    /** DaemonSet name → CNI, looked up in these namespaces on a real cluster. */
    static final Map<String, String> CNI_DAEMONSETS = Map.of(
            "kube-flannel-ds", "flannel", "calico-node", "calico", "weave-net", "weave");
    static final List<String> CNI_NAMESPACES = List.of("kube-system", "kube-flannel", "calico-system");
    /** Whether each known CNI enforces NetworkPolicy. */
    static final Map<String, Boolean> ENFORCES_POLICY = Map.of("flannel", false, "calico", true, "weave", true);

    static final String ISTIO_NAMESPACE = "istio-system";
    static final String ISTIO_GATEWAY_SERVICE = "istio-ingressgateway";

    private final ClusterSnapshot snapshot;

    public Discovery(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** @param fallbackClusterName used when neither the lab ConfigMap nor an echo pod names the cluster */
    public Topology discover(String fallbackClusterName) {
        Optional<Map<String, String>> lab = snapshot.configMapData(LAB_CONFIG_NAMESPACE, LAB_CONFIG_NAME);
        List<Topology.Pod> pods = pods();
        List<Topology.Service> services = services();
        return new Topology(
                lab.map(data -> data.get("cluster")).or(this::clusterFromEchoEnv).orElse(fallbackClusterName),
                lab.map(data -> data.getOrDefault("platform", "lab")).orElse("kubernetes"),
                lab.map(Discovery::cniFromLab).orElseGet(this::cniFromDaemonSets),
                nodes(), namespaces(), pods, services, endpointSlices(), networkPolicies(), ingresses(),
                gatewayApi(), istio(services), workloads(pods), snapshot.apiServer());
    }

    /** Calico's node annotations naming the tunnel devices' addresses (a masqueraded source may be one). */
    static final List<String> TUNNEL_ANNOTATIONS = List.of("projectcalico.org/IPv4VXLANTunnelAddr",
            "projectcalico.org/IPv4IPIPTunnelAddr", "projectcalico.org/IPv4WireguardInterfaceAddr");

    /** Deployments and DaemonSets in the netpaths namespaces. */
    private List<Topology.Workload> workloads(List<Topology.Pod> pods) {
        List<Topology.Workload> all = new ArrayList<>();
        for (String ns : Topology.NETPATHS_NAMESPACES) {
            snapshot.deployments().stream().filter(d -> ns.equals(d.getMetadata().getNamespace())).forEach(d -> all.add(new Topology.Workload(
                    ns, d.getMetadata().getName(), "Deployment", labels(d.getSpec().getSelector() == null ? null
                    : d.getSpec().getSelector().getMatchLabels()),
                    labels(d.getSpec().getTemplate().getMetadata() == null ? null
                            : d.getSpec().getTemplate().getMetadata().getLabels()),
                    d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas())));
            snapshot.daemonSets().stream().filter(d -> ns.equals(d.getMetadata().getNamespace())).forEach(d -> {
                Map<String, String> selector = labels(d.getSpec().getSelector() == null ? null
                        : d.getSpec().getSelector().getMatchLabels());
                Integer scheduled = d.getStatus() == null ? null : d.getStatus().getDesiredNumberScheduled();
                long podCount = pods.stream().filter(p -> p.namespace().equals(ns) && !selector.isEmpty()
                        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(p.labels().get(e.getKey()))))
                        .count();
                all.add(new Topology.Workload(ns, d.getMetadata().getName(), "DaemonSet", selector,
                        labels(d.getSpec().getTemplate().getMetadata() == null ? null
                                : d.getSpec().getTemplate().getMetadata().getLabels()),
                        scheduled != null && scheduled > 0 ? scheduled : (int) podCount));
            });
        }
        return all;
    }

    /** Entry points in netpaths that exist without an address yet (LoadBalancer Services, Ingresses, Gateways). */
    public static List<String> pendingAddresses(Topology t) {
        List<String> pending = new ArrayList<>();
        t.services().stream().filter(s -> Topology.NETPATHS_NAMESPACES.contains(s.namespace())
                        && "LoadBalancer".equals(s.type()) && s.loadBalancerIps().isEmpty())
                .forEach(s -> pending.add("Service " + s.namespace() + "/" + s.name()));
        boolean controllerIp = t.services().stream().anyMatch(s -> List.of("ingress-nginx", "nginx-ingress")
                .contains(s.namespace()) && "LoadBalancer".equals(s.type()) && !s.loadBalancerIps().isEmpty());
        t.ingresses().stream().filter(i -> i.namespace().equals("netpaths") && i.addresses().isEmpty()
                        && !controllerIp)
                .forEach(i -> pending.add("Ingress netpaths/" + i.name()));
        t.gatewayApi().gateways().stream().filter(g -> g.namespace().equals("netpaths") && g.addresses().isEmpty())
                .forEach(g -> pending.add("Gateway netpaths/" + g.name()));
        return pending;
    }

    static Cni cniFromLab(Map<String, String> data) {
        String mode = data.get("networkPolicy");
        Boolean enforced = mode == null ? null : "enforced".equals(mode) ? Boolean.TRUE
                : "not-enforced".equals(mode) ? Boolean.FALSE : null;
        String cni = data.getOrDefault("cni", "unknown");
        String source = "ConfigMap " + LAB_CONFIG_NAMESPACE + "/" + LAB_CONFIG_NAME;
        // The lab's flag comes from the same code that installs its policy rules: it is checked against the
        // harness's own table, never trusted alone.
        Boolean table = ENFORCES_POLICY.get(cni);
        String conflict = table == null ? null : !table.equals(enforced)
                ? source + " declares networkPolicy " + mode + " for CNI " + cni + ", but " + cni
                        + (table ? " enforces" : " does not enforce") + " NetworkPolicy. Likely cause: the lab's "
                        + "CNI table disagrees with the harness's"
                : null;
        return new Cni(cni, table != null ? table : enforced, source, conflict);
    }

    private Cni cniFromDaemonSets() {
        return snapshot.daemonSets().stream()
                .filter(ds -> CNI_NAMESPACES.contains(ds.getMetadata().getNamespace()))
                .filter(ds -> CNI_DAEMONSETS.containsKey(ds.getMetadata().getName()))
                .findFirst()
                .map(ds -> {
                    String cni = CNI_DAEMONSETS.get(ds.getMetadata().getName());
                    return new Cni(cni, ENFORCES_POLICY.get(cni), "DaemonSet " + ds.getMetadata().getNamespace()
                            + "/" + ds.getMetadata().getName());
                })
                .orElse(new Cni("unknown", null, "no known CNI DaemonSet in " + CNI_NAMESPACES));
    }

    private Optional<String> clusterFromEchoEnv() {
        return snapshot.pods().stream()
                .filter(p -> "netpaths".equals(p.getMetadata().getNamespace())
                        && "echo-service".equals(labels(p.getMetadata().getLabels()).get(Topology.APP)))
                .flatMap(p -> p.getSpec().getContainers().stream())
                .flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                .filter(e -> "CLUSTER_NAME".equals(e.getName()) && e.getValue() != null)
                .map(e -> e.getValue())
                .findFirst();
    }

    private List<Topology.Node> nodes() {
        return snapshot.nodes().stream()
                .sorted(Comparator.comparing(n -> n.getMetadata().getName())).map(n -> new Topology.Node(
                n.getMetadata().getName(),
                n.getStatus() == null ? null : n.getStatus().getAddresses().stream()
                        .filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress)
                        .findFirst().orElse(null),
                labels(n.getMetadata().getLabels()).keySet().stream()
                        .anyMatch(k -> k.equals("node-role.kubernetes.io/control-plane")
                                || k.equals("node-role.kubernetes.io/master")) ? "control-plane" : "worker",
                n.getSpec() == null ? null : n.getSpec().getPodCIDR(),
                TUNNEL_ANNOTATIONS.stream().map(a -> labels(n.getMetadata().getAnnotations()).get(a))
                        .filter(Objects::nonNull).toList())).toList();
    }

    private List<Topology.Namespace> namespaces() {
        return snapshot.namespaces().stream()
                .map(ns -> new Topology.Namespace(ns.getMetadata().getName(), labels(ns.getMetadata().getLabels())))
                .toList();
    }

    private List<Topology.Pod> pods() {
        return snapshot.pods().stream().map(p -> new Topology.Pod(
                p.getMetadata().getNamespace(), p.getMetadata().getName(), p.getSpec().getNodeName(),
                p.getStatus() == null ? null : p.getStatus().getPodIP(),
                p.getStatus() == null ? null : p.getStatus().getHostIP(),
                labels(p.getMetadata().getLabels()),
                p.getStatus() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                        && p.getStatus().getPodIP() != null)).toList();
    }

    private List<Topology.Service> services() {
        return snapshot.services().stream().map(s -> new Topology.Service(
                s.getMetadata().getNamespace(), s.getMetadata().getName(), s.getSpec().getType(),
                s.getSpec().getClusterIP(),
                s.getSpec().getPorts().stream().map(p -> new Port(p.getName(),
                        Objects.requireNonNullElse(p.getProtocol(), "TCP"), p.getPort(), p.getNodePort())).toList(),
                s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? List.of()
                        : s.getStatus().getLoadBalancer().getIngress().stream()
                                .map(i -> Objects.requireNonNullElse(i.getIp(), i.getHostname())).toList(),
                s.getSpec().getExternalTrafficPolicy(), s.getSpec().getExternalName(),
                labels(s.getSpec().getSelector()),
                Objects.requireNonNullElse(s.getSpec().getSessionAffinity(), "None"))).toList();
    }

    private List<Topology.EndpointSlice> endpointSlices() {
        return snapshot.endpointSlices().stream()
                .map(s -> new Topology.EndpointSlice(s.getMetadata().getNamespace(),
                        labels(s.getMetadata().getLabels()).getOrDefault("kubernetes.io/service-name", ""),
                        s.getEndpoints().stream().flatMap(e -> e.getAddresses().stream().map(ip -> new Endpoint(ip,
                                e.getNodeName(),
                                e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))))
                                .toList()))
                .toList();
    }

    private List<Policy> networkPolicies() {
        return snapshot.networkPolicies().stream()
                .map(Discovery::policy).toList();
    }

    public static Policy policy(NetworkPolicy np) {
        List<Rule> ingress = np.getSpec().getIngress().stream()
                .map(r -> new Rule(r.getFrom().stream().map(Discovery::peer).toList(), ports(r.getPorts()))).toList();
        List<Rule> egress = np.getSpec().getEgress().stream()
                .map(r -> new Rule(r.getTo().stream().map(Discovery::peer).toList(), ports(r.getPorts()))).toList();
        // The API server's default: Ingress always, Egress when the policy has egress rules.
        List<String> types = !np.getSpec().getPolicyTypes().isEmpty() ? np.getSpec().getPolicyTypes()
                : egress.isEmpty() ? List.of("Ingress") : List.of("Ingress", "Egress");
        return new Policy(np.getMetadata().getNamespace(), np.getMetadata().getName(),
                Objects.requireNonNullElse(selector(np.getSpec().getPodSelector()), Topology.Selector.ALL), types,
                ingress, egress);
    }

    private static Peer peer(NetworkPolicyPeer p) {
        return new Peer(selector(p.getNamespaceSelector()), selector(p.getPodSelector()),
                p.getIpBlock() == null ? null : p.getIpBlock().getCidr(),
                p.getIpBlock() == null || p.getIpBlock().getExcept() == null ? List.of() : p.getIpBlock().getExcept());
    }

    private static List<Topology.PolicyPort> ports(List<NetworkPolicyPort> ports) {
        return ports.stream().map(p -> new Topology.PolicyPort(Objects.requireNonNullElse(p.getProtocol(), "TCP"),
                p.getPort() == null ? null : p.getPort().getStrVal() != null ? p.getPort().getStrVal()
                        : String.valueOf(p.getPort().getIntVal()), p.getEndPort())).toList();
    }

    private List<Topology.Ingress> ingresses() {
        return snapshot.ingresses().stream()
                .map(i -> new Topology.Ingress(i.getMetadata().getNamespace(), i.getMetadata().getName(),
                        i.getSpec().getIngressClassName(),
                        i.getSpec().getRules().stream().map(r -> r.getHost()).filter(Objects::nonNull).toList(),
                        i.getStatus() == null || i.getStatus().getLoadBalancer() == null ? List.of()
                                : i.getStatus().getLoadBalancer().getIngress().stream()
                                        .map(a -> Objects.requireNonNullElse(a.getIp(), a.getHostname()))
                                        .filter(Objects::nonNull).toList()))
                .toList();
    }

    private GatewayApi gatewayApi() {
        boolean crd = snapshot.customResourceDefinitions().contains(ClusterSnapshot.GATEWAY_CRD);
        List<Gateway> found = snapshot.gateways().stream().map(g -> new Gateway(
                g.getMetadata().getNamespace(), g.getMetadata().getName(), statusAddresses(g), listeners(g),
                g.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("gatewayClassName") != null
                        ? String.valueOf(spec.get("gatewayClassName")) : null,
                conditions(g.getAdditionalProperties().get("status")))).toList();
        boolean grants = !snapshot.referenceGrants().isEmpty();
        List<Topology.GatewayClass> classes = snapshot.gatewayClasses().stream()
                .map(c -> new Topology.GatewayClass(c.getMetadata().getName(),
                        conditions(c.getAdditionalProperties().get("status")))).toList();
        List<GenericKubernetesResource> routeObjects = snapshot.httpRoutes();
        List<Topology.HttpRoute> routes = routeObjects.stream().map(Discovery::httpRoute).toList();
        List<Topology.ApiKeyPolicy> apiKeys = new ArrayList<>();
        for (GenericKubernetesResource p : snapshot.securityPolicies()) {
            Map<?, ?> auth = map(map(p.getAdditionalProperties().get("spec")).get("apiKeyAuth"));
            if (auth.isEmpty()) {
                continue;
            }
            String header = list(auth.get("extractFrom")).stream().flatMap(e -> list(map(e).get("headers")).stream())
                    .map(String::valueOf).findFirst().orElse(null);
            List<String> keys = list(auth.get("credentialRefs")).stream()
                    .flatMap(ref -> secretValues(p.getMetadata().getNamespace(), String.valueOf(map(ref).get("name"))).stream())
                    .toList();
            policyTargets(p, routeObjects).forEach((route, paths) -> apiKeys.add(new Topology.ApiKeyPolicy(
                    p.getMetadata().getNamespace(), p.getMetadata().getName(), route, paths, header, keys)));
        }
        List<Topology.RateLimitPolicy> rateLimits = new ArrayList<>();
        for (GenericKubernetesResource p : snapshot.backendTrafficPolicies()) {
            // the route's bucket: the first local rule without clientSelectors (internal/gatewayapi/backendtrafficpolicy.go)
            Map<?, ?> limit = list(map(map(map(p.getAdditionalProperties().get("spec")).get("rateLimit")).get("local"))
                    .get("rules")).stream().map(Discovery::map).filter(r -> list(r.get("clientSelectors")).isEmpty())
                    .map(r -> map(r.get("limit"))).findFirst().orElse(Map.of());
            if (limit.get("requests") instanceof Number requests && limit.get("unit") != null) {
                policyTargets(p, routeObjects).forEach((route, paths) -> rateLimits.add(new Topology.RateLimitPolicy(
                        p.getMetadata().getNamespace(), p.getMetadata().getName(), route, paths, requests.longValue(),
                        String.valueOf(limit.get("unit")))));
            }
        }
        return new GatewayApi(crd || !found.isEmpty(), found, grants, classes, routes, apiKeys, rateLimits);
    }

    /**
     * An Envoy Gateway policy's HTTPRoute targets ("namespace/name") → the path values of the rules it covers: the
     * rule its targetRef's sectionName names, else every rule of the route.
     */
    static Map<String, List<String>> policyTargets(GenericKubernetesResource policy, List<GenericKubernetesResource> routes) {
        String ns = policy.getMetadata().getNamespace();
        Map<?, ?> spec = map(policy.getAdditionalProperties().get("spec"));
        List<Object> refs = new ArrayList<>(list(spec.get("targetRefs")));
        if (spec.get("targetRef") != null) {
            refs.add(spec.get("targetRef"));
        }
        Map<String, List<String>> targets = new LinkedHashMap<>();
        for (Object o : refs) {
            Map<?, ?> ref = map(o);
            if (!"HTTPRoute".equals(ref.get("kind"))) {
                continue;
            }
            Object section = ref.get("sectionName");
            List<String> paths = routes.stream().filter(r -> ns.equals(r.getMetadata().getNamespace())
                            && r.getMetadata().getName().equals(ref.get("name")))
                    .flatMap(r -> list(map(r.getAdditionalProperties().get("spec")).get("rules")).stream())
                    .map(Discovery::map).filter(rule -> section == null || section.equals(rule.get("name")))
                    .flatMap(rule -> list(rule.get("matches")).stream())
                    .map(m -> map(map(m).get("path")).get("value")).filter(Objects::nonNull).map(String::valueOf).toList();
            targets.computeIfAbsent(ns + "/" + ref.get("name"), k -> new ArrayList<>()).addAll(paths);
        }
        return targets;
    }

    /** A Secret's values, decoded; empty when the snapshot does not hold it (missing, or not readable). */
    private List<String> secretValues(String namespace, String name) {
        return snapshot.secrets().stream().filter(s -> namespace.equals(s.getMetadata().getNamespace())
                        && name.equals(s.getMetadata().getName()) && s.getData() != null)
                .flatMap(s -> s.getData().values().stream())
                .map(v -> new String(java.util.Base64.getDecoder().decode(v), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    /** Status conditions as type → "status/reason". */
    static Map<String, String> conditions(Object status) {
        Map<String, String> out = new LinkedHashMap<>();
        if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof Map<?, ?> m && m.get("type") != null) {
                    out.put(String.valueOf(m.get("type")), m.get("status") + "/" + m.get("reason"));
                }
            }
        }
        return out;
    }

    private static Topology.HttpRoute httpRoute(GenericKubernetesResource r) {
        String ns = r.getMetadata().getNamespace();
        List<String> backends = new ArrayList<>();
        if (r.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("rules") instanceof List<?> rules) {
            for (Object rule : rules) {
                if (rule instanceof Map<?, ?> m && m.get("backendRefs") instanceof List<?> refs) {
                    for (Object ref : refs) {
                        if (ref instanceof Map<?, ?> b && b.get("name") != null) {
                            backends.add((b.get("namespace") == null ? ns : b.get("namespace")) + "/" + b.get("name"));
                        }
                    }
                }
            }
        }
        List<String> resolved = new ArrayList<>();
        if (r.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && status.get("parents") instanceof List<?> parents) {
            for (Object parent : parents) {
                String value = conditions(parent).get("ResolvedRefs");
                if (value != null) {
                    resolved.add(value);
                }
            }
        }
        return new Topology.HttpRoute(ns, r.getMetadata().getName(), backends, resolved);
    }

    private Istio istio(List<Topology.Service> services) {
        Optional<Topology.Service> gateway = services.stream()
                .filter(s -> s.namespace().equals(ISTIO_NAMESPACE) && s.name().equals(ISTIO_GATEWAY_SERVICE))
                .findFirst();
        boolean virtualServices = !snapshot.virtualServices().isEmpty();
        return new Istio(gateway.isPresent()
                || snapshot.customResourceDefinitions().contains(ClusterSnapshot.VIRTUAL_SERVICE_CRD),
                gateway.map(Topology.Service::loadBalancerIps).orElse(List.of()), virtualServices);
    }

    /** spec.listeners of a Gateway (listeners without a numeric port are left out). */
    static List<Topology.Listener> listeners(GenericKubernetesResource g) {
        Object spec = g.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> s) || !(s.get("listeners") instanceof List<?> listeners)) {
            return List.of();
        }
        List<Topology.Listener> result = new ArrayList<>();
        for (Object l : listeners) {
            if (l instanceof Map<?, ?> m && m.get("port") instanceof Number port) {
                result.add(new Topology.Listener(String.valueOf(m.get("name")), String.valueOf(m.get("protocol")),
                        port.intValue(), m.get("hostname") == null ? null : String.valueOf(m.get("hostname"))));
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<String> statusAddresses(GenericKubernetesResource g) {
        Object status = g.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s) || !(s.get("addresses") instanceof List<?> addresses)) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (Object a : addresses) {
            if (a instanceof Map<?, ?> m && m.get("value") != null) {
                values.add(String.valueOf(m.get("value")));
            }
        }
        return values;
    }

    private static Topology.Selector selector(LabelSelector selector) {
        return selector == null ? null : new Topology.Selector(labels(selector.getMatchLabels()),
                selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions().stream()
                        .map(x -> new Topology.Expression(x.getKey(), x.getOperator(),
                                x.getValues() == null ? List.of() : x.getValues())).toList());
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : new LinkedHashMap<>(labels);
    }
}

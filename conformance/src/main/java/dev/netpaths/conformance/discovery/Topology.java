package dev.netpaths.conformance.discovery;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery saw in one cluster: the facts the catalogue resolves its targets and expectations against.
 * Built by {@link Discovery} from a {@link ClusterSnapshot}: a kube context's objects or the lab's cluster.yaml.
 */
public record Topology(
        String cluster,
        String platform,
        Cni cni,
        List<Node> nodes,
        List<Namespace> namespaces,
        List<Pod> pods,
        List<Service> services,
        List<EndpointSlice> endpointSlices,
        List<Policy> networkPolicies,
        List<Ingress> ingresses,
        GatewayApi gatewayApi,
        Istio istio,
        List<Workload> workloads,
        String apiServer) {

    public Topology(String cluster, String platform, Cni cni, List<Node> nodes, List<Namespace> namespaces,
                    List<Pod> pods, List<Service> services, List<EndpointSlice> endpointSlices,
                    List<Policy> networkPolicies, List<Ingress> ingresses, GatewayApi gatewayApi, Istio istio) {
        this(cluster, platform, cni, nodes, namespaces, pods, services, endpointSlices, networkPolicies, ingresses,
                gatewayApi, istio, List.of(), null);
    }

    /** The namespaces netpaths deploys its workloads into. */
    public static final List<String> NETPATHS_NAMESPACES = List.of("netpaths", "netpaths-other");

    /**
     * A Deployment or DaemonSet: {@code desired} is spec.replicas (Deployment) or status.desiredNumberScheduled
     * (DaemonSet; the number of its pods when the status is absent, as in the lab).
     */
    public record Workload(String namespace, String name, String kind, Map<String, String> selector,
                           Map<String, String> templateLabels, int desired) {
        public String app() {
            return templateLabels.get(APP);
        }
    }

    /** The workload (in {@code namespace}) whose pod template carries {@code app}, if any. */
    public Optional<Workload> workload(String namespace, String app) {
        return workloads.stream().filter(w -> w.namespace().equals(namespace) && Objects.equals(w.app(), app))
                .findFirst();
    }

    /** Pods of a workload (selected by its selector in its namespace). */
    public List<Pod> podsOf(Workload w) {
        return pods.stream().filter(p -> p.namespace().equals(w.namespace()) && !w.selector().isEmpty()
                && w.selector().entrySet().stream().allMatch(e -> e.getValue().equals(p.labels().get(e.getKey()))))
                .toList();
    }

    public long readyPodsOf(Workload w) {
        return podsOf(w).stream().filter(Pod::ready).count();
    }

    public static final String APP = "app.kubernetes.io/name";
    public static final String VERSION = "version";

    /**
     * @param ownAddresses further addresses the node itself uses as a source (CNI tunnel addresses from its
     *                     annotations, e.g. Calico's projectcalico.org/IPv4VXLANTunnelAddr)
     */
    public record Node(String name, String internalIp, String role, String podCidr, List<String> ownAddresses) {
        public Node(String name, String internalIp, String role, String podCidr) {
            this(name, internalIp, role, podCidr, List.of());
        }

        /** Where traffic SNATed by this node may come from: its InternalIP, its pod CIDR, its tunnel addresses. */
        public List<String> snatSources() {
            List<String> all = new java.util.ArrayList<>();
            if (internalIp != null) {
                all.add(internalIp);
            }
            if (podCidr != null) {
                all.add(podCidr);
            }
            all.addAll(ownAddresses);
            return all;
        }
    }

    public record Namespace(String name, Map<String, String> labels) {}

    public record Pod(String namespace, String name, String node, String ip, String hostIp,
                      Map<String, String> labels, boolean ready) {
        public String app() {
            return labels.get(APP);
        }

        public String version() {
            return labels.get(VERSION);
        }
    }

    public record Port(String name, String protocol, int port, Integer nodePort) {}

    /** A Service; {@code sessionAffinity} as the API server defaults it ({@code None} or {@code ClientIP}). */
    public record Service(String namespace, String name, String type, String clusterIp, List<Port> ports,
                          List<String> loadBalancerIps, String externalTrafficPolicy, String externalName,
                          Map<String, String> selector, String sessionAffinity) {
        public Service(String namespace, String name, String type, String clusterIp, List<Port> ports,
                       List<String> loadBalancerIps, String externalTrafficPolicy, String externalName,
                       Map<String, String> selector) {
            this(namespace, name, type, clusterIp, ports, loadBalancerIps, externalTrafficPolicy, externalName,
                    selector, "None");
        }

        public Optional<Port> port(String protocol, int number) {
            return ports.stream().filter(p -> p.protocol().equals(protocol) && p.port() == number).findFirst();
        }
    }

    public record Endpoint(String ip, String node, boolean ready) {}

    public record EndpointSlice(String namespace, String service, List<Endpoint> endpoints) {}

    /** A label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed. */
    public record Selector(Map<String, String> matchLabels, List<Expression> expressions) {
        public static final Selector ALL = new Selector(Map.of(), List.of());

        public static Selector labels(Map<String, String> matchLabels) {
            return new Selector(matchLabels, List.of());
        }

        public boolean matches(Map<String, String> labels) {
            return matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
                    && expressions.stream().allMatch(x -> x.matches(labels));
        }

        public boolean isEmpty() {
            return matchLabels.isEmpty() && expressions.isEmpty();
        }
    }

    public record Expression(String key, String operator, List<String> values) {
        /** An unknown operator matches nothing (the API server rejects one; never widen a policy by guessing). */
        public boolean matches(Map<String, String> labels) {
            return switch (operator) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
        }
    }

    /** A NetworkPolicy: selectors with expressions, ipBlock peers, ports with protocol and endPort, egress. */
    public record Policy(String namespace, String name, Selector podSelector, List<String> policyTypes,
                         List<Rule> ingress, List<Rule> egress) {}

    /** One rule: empty peers = from (to) anywhere; empty ports = any port. */
    public record Rule(List<Peer> peers, List<PolicyPort> ports) {}

    /**
     * A peer: selectors (a null one is absent, not "match all"; an empty one matches all), or an ipBlock
     * ({@code cidr} with {@code except}).
     */
    public record Peer(Selector namespaceSelector, Selector podSelector, String cidr, List<String> except) {}

    /** A port of a rule: protocol (default TCP), number or name (null: every port), endPort for a range. */
    public record PolicyPort(String protocol, String port, Integer endPort) {}

    public record Ingress(String namespace, String name, String className, List<String> hosts,
                          List<String> addresses) {}

    /**
     * A Gateway API Gateway with its status addresses, its listeners (as written in spec.listeners), its class and
     * its status conditions as type → "status/reason" (e.g. Programmed → True/Programmed).
     */
    public record Gateway(String namespace, String name, List<String> addresses, List<Listener> listeners,
                          String className, Map<String, String> conditions) {
        public Gateway(String namespace, String name, List<String> addresses) {
            this(namespace, name, addresses, List.of(), null, Map.of());
        }

        /**
         * The port an HTTP client uses for {@code host}: the HTTP listener whose hostname is {@code host}, else
         * one without a hostname, else 80 (the Gateway API's usual listener port) when none is known.
         */
        public int httpPort(String host) {
            return listeners.stream().filter(l -> "HTTP".equals(l.protocol()) && host.equals(l.hostname())).findFirst()
                    .or(() -> listeners.stream().filter(l -> "HTTP".equals(l.protocol()) && l.hostname() == null).findFirst())
                    .map(Listener::port).orElse(80);
        }
    }

    /** One listener of a Gateway; {@code hostname} null when the listener has none. */
    public record Listener(String name, String protocol, int port, String hostname) {}

    public record GatewayClass(String name, Map<String, String> conditions) {}

    /**
     * An HTTPRoute: its backend refs ("namespace/name") and per parent the ResolvedRefs condition
     * ("status/reason"; empty when no controller reported one).
     */
    public record HttpRoute(String namespace, String name, List<String> backends, List<String> resolvedRefs) {}

    /**
     * An Envoy Gateway SecurityPolicy with apiKeyAuth, resolved: the HTTPRoute it targets, the path values of the rules
     * it covers (the rule its sectionName names, else every rule), the header the key travels in (the first of its
     * extractFrom headers; null when it reads none) and the keys of its credential Secrets.
     */
    public record ApiKeyPolicy(String namespace, String name, String route, List<String> paths, String header,
                               List<String> keys) {}

    /**
     * An Envoy Gateway BackendTrafficPolicy with a local rate limit, resolved as {@link ApiKeyPolicy}: the route's
     * bucket (its rule without clientSelectors) of {@code requests} per {@code unit} (Second, Minute, ...).
     */
    public record RateLimitPolicy(String namespace, String name, String route, List<String> paths, long requests,
                                  String unit) {}

    public record GatewayApi(boolean installed, List<Gateway> gateways, boolean referenceGrantPresent,
                             List<GatewayClass> classes, List<HttpRoute> routes, List<ApiKeyPolicy> apiKeyPolicies,
                             List<RateLimitPolicy> rateLimitPolicies) {
        public GatewayApi(boolean installed, List<Gateway> gateways, boolean referenceGrantPresent) {
            this(installed, gateways, referenceGrantPresent, List.of(), List.of());
        }

        public GatewayApi(boolean installed, List<Gateway> gateways, boolean referenceGrantPresent,
                          List<GatewayClass> classes, List<HttpRoute> routes) {
            this(installed, gateways, referenceGrantPresent, classes, routes, List.of(), List.of());
        }
    }

    public record Istio(boolean installed, List<String> ingressGatewayIps, boolean virtualServicePresent) {}

    /**
     * The CNI and whether it enforces NetworkPolicy ({@code null}: unknown); {@code conflict}: why the declared
     * enforcement cannot be trusted (the lab declared something else than the harness's per-CNI table).
     */
    public record Cni(String name, Boolean enforcesNetworkPolicy, String detectedFrom, String conflict) {
        public Cni(String name, Boolean enforcesNetworkPolicy, String detectedFrom) {
            this(name, enforcesNetworkPolicy, detectedFrom, null);
        }
    }

    public List<Pod> readyPods(String namespace, String app) {
        return pods.stream()
                .filter(p -> p.ready() && p.namespace().equals(namespace) && Objects.equals(p.app(), app))
                .sorted(Comparator.comparing(Pod::name))
                .toList();
    }

    public Optional<Service> service(String namespace, String name) {
        return services.stream().filter(s -> s.namespace().equals(namespace) && s.name().equals(name)).findFirst();
    }

    /** Ready endpoint addresses of a Service, from its EndpointSlices. */
    public List<Endpoint> readyEndpoints(String namespace, String serviceName) {
        return endpointSlices.stream()
                .filter(s -> s.namespace().equals(namespace) && s.service().equals(serviceName))
                .flatMap(s -> s.endpoints().stream())
                .filter(Endpoint::ready)
                .toList();
    }

    public Map<String, String> namespaceLabels(String namespace) {
        return namespaces.stream().filter(n -> n.name().equals(namespace)).findFirst()
                .map(Namespace::labels)
                .orElse(Map.of("kubernetes.io/metadata.name", namespace));
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}

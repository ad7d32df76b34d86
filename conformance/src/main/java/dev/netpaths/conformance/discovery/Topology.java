package dev.netpaths.conformance.discovery;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery saw in one cluster: the facts the catalogue resolves its targets and expectations against.
 * Built by {@link Discovery} from a real API server or from the lab's cluster.yaml loaded into the mock server.
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
        Istio istio) {

    public static final String APP = "app.kubernetes.io/name";
    public static final String VERSION = "version";

    public record Node(String name, String internalIp, String role, String podCidr) {}

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

    public record Service(String namespace, String name, String type, String clusterIp, List<Port> ports,
                          List<String> loadBalancerIps, String externalTrafficPolicy, String externalName,
                          Map<String, String> selector) {
        public Optional<Port> port(String protocol, int number) {
            return ports.stream().filter(p -> p.protocol().equals(protocol) && p.port() == number).findFirst();
        }
    }

    public record Endpoint(String ip, String node, boolean ready) {}

    public record EndpointSlice(String namespace, String service, List<Endpoint> endpoints) {}

    /** A NetworkPolicy reduced to what the truth table needs (matchLabels only). */
    public record Policy(String namespace, String name, Map<String, String> podSelector, List<String> policyTypes,
                         List<Rule> ingress) {}

    /** One ingress rule: empty peers = from anywhere; empty ports = any port. */
    public record Rule(List<Peer> from, List<String> ports) {}

    /** A peer; a null selector is absent (not "match all"), an empty one matches all. */
    public record Peer(Map<String, String> namespaceSelector, Map<String, String> podSelector) {}

    public record Ingress(String namespace, String name, String className, List<String> hosts,
                          List<String> addresses) {}

    /** A Gateway API Gateway with its status addresses and its listeners (as written in spec.listeners). */
    public record Gateway(String namespace, String name, List<String> addresses, List<Listener> listeners) {
        public Gateway(String namespace, String name, List<String> addresses) {
            this(namespace, name, addresses, List.of());
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

    public record GatewayApi(boolean installed, List<Gateway> gateways, boolean referenceGrantPresent) {}

    public record Istio(boolean installed, List<String> ingressGatewayIps, boolean virtualServicePresent) {}

    /** The CNI and whether it enforces NetworkPolicy ({@code null}: unknown). */
    public record Cni(String name, Boolean enforcesNetworkPolicy, String detectedFrom) {}

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

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
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads a cluster through a fabric8 client: the same code for a real API server and the lab's mock server. */
public final class Discovery {

    static final String LAB_CONFIG_NAMESPACE = "kube-system";
    static final String LAB_CONFIG_NAME = "netpaths-lab";
    /** DaemonSet name → CNI, looked up in these namespaces on a real cluster. */
    static final Map<String, String> CNI_DAEMONSETS = Map.of(
            "kube-flannel-ds", "flannel", "calico-node", "calico", "weave-net", "weave");
    static final List<String> CNI_NAMESPACES = List.of("kube-system", "kube-flannel", "calico-system");
    /** Whether each known CNI enforces NetworkPolicy. */
    static final Map<String, Boolean> ENFORCES_POLICY = Map.of("flannel", false, "calico", true, "weave", true);

    static final ResourceDefinitionContext GATEWAYS = crd("gateway.networking.k8s.io", "v1", "Gateway", "gateways");
    /** ReferenceGrant went GA as v1 (Gateway API 1.5+); v1beta1 is still served and is what older manifests use. */
    static final List<ResourceDefinitionContext> REFERENCE_GRANTS = List.of(
            crd("gateway.networking.k8s.io", "v1", "ReferenceGrant", "referencegrants"),
            crd("gateway.networking.k8s.io", "v1beta1", "ReferenceGrant", "referencegrants"));
    static final ResourceDefinitionContext VIRTUAL_SERVICES =
            crd("networking.istio.io", "v1", "VirtualService", "virtualservices");
    static final String ISTIO_NAMESPACE = "istio-system";
    static final String ISTIO_GATEWAY_SERVICE = "istio-ingressgateway";

    private final KubernetesClient client;

    public Discovery(KubernetesClient client) {
        this.client = client;
    }

    public static List<ResourceDefinitionContext> customResources() {
        return Stream.concat(Stream.of(GATEWAYS, VIRTUAL_SERVICES), REFERENCE_GRANTS.stream()).toList();
    }

    /** @param fallbackClusterName used when neither the lab ConfigMap nor an echo pod names the cluster */
    public Topology discover(String fallbackClusterName) {
        Optional<Map<String, String>> lab = Optional.ofNullable(
                client.configMaps().inNamespace(LAB_CONFIG_NAMESPACE).withName(LAB_CONFIG_NAME).get())
                .map(cm -> cm.getData() == null ? Map.<String, String>of() : cm.getData());
        List<Topology.Pod> pods = pods();
        List<Topology.Service> services = services();
        return new Topology(
                lab.map(data -> data.get("cluster")).or(this::clusterFromEchoEnv).orElse(fallbackClusterName),
                lab.map(data -> data.getOrDefault("platform", "lab")).orElse("kubernetes"),
                lab.map(Discovery::cniFromLab).orElseGet(this::cniFromDaemonSets),
                nodes(), namespaces(), pods, services, endpointSlices(), networkPolicies(), ingresses(),
                gatewayApi(), istio(services));
    }

    static Cni cniFromLab(Map<String, String> data) {
        String mode = data.get("networkPolicy");
        Boolean enforced = mode == null ? null : "enforced".equals(mode) ? Boolean.TRUE
                : "not-enforced".equals(mode) ? Boolean.FALSE : null;
        return new Cni(data.getOrDefault("cni", "unknown"), enforced,
                "ConfigMap " + LAB_CONFIG_NAMESPACE + "/" + LAB_CONFIG_NAME);
    }

    private Cni cniFromDaemonSets() {
        return client.apps().daemonSets().inAnyNamespace().list().getItems().stream()
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
        return client.pods().inNamespace("netpaths").withLabel(Topology.APP, "echo-service").list().getItems()
                .stream()
                .flatMap(p -> p.getSpec().getContainers().stream())
                .flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                .filter(e -> "CLUSTER_NAME".equals(e.getName()) && e.getValue() != null)
                .map(e -> e.getValue())
                .findFirst();
    }

    private List<Topology.Node> nodes() {
        return client.nodes().list().getItems().stream()
                .sorted(Comparator.comparing(n -> n.getMetadata().getName())).map(n -> new Topology.Node(
                n.getMetadata().getName(),
                n.getStatus() == null ? null : n.getStatus().getAddresses().stream()
                        .filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress)
                        .findFirst().orElse(null),
                labels(n.getMetadata().getLabels()).keySet().stream()
                        .anyMatch(k -> k.equals("node-role.kubernetes.io/control-plane")
                                || k.equals("node-role.kubernetes.io/master")) ? "control-plane" : "worker",
                n.getSpec() == null ? null : n.getSpec().getPodCIDR())).toList();
    }

    private List<Topology.Namespace> namespaces() {
        return client.namespaces().list().getItems().stream()
                .map(ns -> new Topology.Namespace(ns.getMetadata().getName(), labels(ns.getMetadata().getLabels())))
                .toList();
    }

    private List<Topology.Pod> pods() {
        return client.pods().inAnyNamespace().list().getItems().stream().map(p -> new Topology.Pod(
                p.getMetadata().getNamespace(), p.getMetadata().getName(), p.getSpec().getNodeName(),
                p.getStatus() == null ? null : p.getStatus().getPodIP(),
                p.getStatus() == null ? null : p.getStatus().getHostIP(),
                labels(p.getMetadata().getLabels()),
                p.getStatus() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                        && p.getStatus().getPodIP() != null)).toList();
    }

    private List<Topology.Service> services() {
        return client.services().inAnyNamespace().list().getItems().stream().map(s -> new Topology.Service(
                s.getMetadata().getNamespace(), s.getMetadata().getName(), s.getSpec().getType(),
                s.getSpec().getClusterIP(),
                s.getSpec().getPorts().stream().map(p -> new Port(p.getName(),
                        Objects.requireNonNullElse(p.getProtocol(), "TCP"), p.getPort(), p.getNodePort())).toList(),
                s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? List.of()
                        : s.getStatus().getLoadBalancer().getIngress().stream()
                                .map(i -> Objects.requireNonNullElse(i.getIp(), i.getHostname())).toList(),
                s.getSpec().getExternalTrafficPolicy(), s.getSpec().getExternalName(),
                labels(s.getSpec().getSelector()))).toList();
    }

    private List<Topology.EndpointSlice> endpointSlices() {
        return client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems().stream()
                .map(s -> new Topology.EndpointSlice(s.getMetadata().getNamespace(),
                        labels(s.getMetadata().getLabels()).getOrDefault("kubernetes.io/service-name", ""),
                        s.getEndpoints().stream().flatMap(e -> e.getAddresses().stream().map(ip -> new Endpoint(ip,
                                e.getNodeName(),
                                e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))))
                                .toList()))
                .toList();
    }

    private List<Policy> networkPolicies() {
        return client.network().v1().networkPolicies().inAnyNamespace().list().getItems().stream()
                .map(Discovery::policy).toList();
    }

    static Policy policy(NetworkPolicy np) {
        List<Rule> rules = np.getSpec().getIngress().stream().map(r -> new Rule(
                r.getFrom().stream().map(f -> new Peer(selector(f.getNamespaceSelector()),
                        selector(f.getPodSelector()))).toList(),
                r.getPorts().stream().map(NetworkPolicyPort::getPort).filter(Objects::nonNull)
                        .map(p -> p.getStrVal() != null ? p.getStrVal() : String.valueOf(p.getIntVal())).toList()))
                .toList();
        List<String> types = np.getSpec().getPolicyTypes().isEmpty() ? List.of("Ingress")
                : np.getSpec().getPolicyTypes();
        return new Policy(np.getMetadata().getNamespace(), np.getMetadata().getName(),
                Objects.requireNonNullElse(selector(np.getSpec().getPodSelector()), Map.of()), types, rules);
    }

    private List<Topology.Ingress> ingresses() {
        return client.network().v1().ingresses().inAnyNamespace().list().getItems().stream()
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
        Optional<List<GenericKubernetesResource>> gateways = listIfServed(GATEWAYS);
        boolean crd = crdExists("gateways.gateway.networking.k8s.io");
        List<Gateway> found = gateways.orElse(List.of()).stream().map(g -> new Gateway(
                g.getMetadata().getNamespace(), g.getMetadata().getName(), statusAddresses(g), listeners(g))).toList();
        boolean grants = REFERENCE_GRANTS.stream()
                .anyMatch(version -> listIfServed(version).map(l -> !l.isEmpty()).orElse(false));
        return new GatewayApi(crd || !found.isEmpty(), found, grants);
    }

    private Istio istio(List<Topology.Service> services) {
        Optional<Topology.Service> gateway = services.stream()
                .filter(s -> s.namespace().equals(ISTIO_NAMESPACE) && s.name().equals(ISTIO_GATEWAY_SERVICE))
                .findFirst();
        boolean virtualServices = listIfServed(VIRTUAL_SERVICES).map(l -> !l.isEmpty()).orElse(false);
        return new Istio(gateway.isPresent() || crdExists("virtualservices.networking.istio.io"),
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

    /** Lists a custom resource everywhere; empty when the API server does not serve it (CRD absent). */
    private Optional<List<GenericKubernetesResource>> listIfServed(ResourceDefinitionContext context) {
        try {
            return Optional.of(client.genericKubernetesResources(context).inAnyNamespace().list().getItems());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private boolean crdExists(String name) {
        try {
            return client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null;
        } catch (KubernetesClientException e) {
            return false; // no permission to read CRDs: presence is then judged from the objects alone
        }
    }

    private static Map<String, String> selector(LabelSelector selector) {
        return selector == null ? null : labels(selector.getMatchLabels());
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : new LinkedHashMap<>(labels);
    }

    private static ResourceDefinitionContext crd(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }
}

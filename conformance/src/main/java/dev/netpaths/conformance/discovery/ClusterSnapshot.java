package dev.netpaths.conformance.discovery;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The objects {@link Discovery} and {@link DataPlane} interpret, as an API server holds them (spec and status), read
 * once: from a kube context ({@link #read(KubernetesClient)}) or from the lab's state file ({@link LabState}). Nothing
 * in it talks to a server, so discovery is tested on snapshots built from YAML.
 *
 * <p>Custom resources (Gateway API, Istio) are kept generic: a resource a cluster does not serve is an empty list.
 * {@code customResourceDefinitions} holds the names of the {@link #CRDS} the cluster has.
 *
 * @param apiServer the API server's URL; null for the lab, which has none
 * @param configMaps the ConfigMaps that record how the cluster was made ({@link #CONFIG_MAPS}; from a file: all)
 * @param deployments those in {@link Topology#NETPATHS_NAMESPACES} (from a file: all)
 * @param secrets the Secrets the SecurityPolicies' API keys name (from a file: all); one the harness may not read
 *        is left out
 */
public record ClusterSnapshot(
        String apiServer,
        List<Node> nodes,
        List<Namespace> namespaces,
        List<Pod> pods,
        List<Service> services,
        List<EndpointSlice> endpointSlices,
        List<NetworkPolicy> networkPolicies,
        List<Ingress> ingresses,
        List<ConfigMap> configMaps,
        List<Deployment> deployments,
        List<DaemonSet> daemonSets,
        List<GenericKubernetesResource> gateways,
        List<GenericKubernetesResource> gatewayClasses,
        List<GenericKubernetesResource> httpRoutes,
        List<GenericKubernetesResource> referenceGrants,
        List<GenericKubernetesResource> virtualServices,
        List<GenericKubernetesResource> securityPolicies,
        List<GenericKubernetesResource> backendTrafficPolicies,
        List<Secret> secrets,
        List<String> customResourceDefinitions) {

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    static final String ISTIO_GROUP = "networking.istio.io";
    static final String ENVOY_GATEWAY_GROUP = "gateway.envoyproxy.io";

    static final ResourceDefinitionContext GATEWAYS = custom(GATEWAY_GROUP, "v1", "Gateway", "gateways", true);
    static final ResourceDefinitionContext GATEWAY_CLASSES =
            custom(GATEWAY_GROUP, "v1", "GatewayClass", "gatewayclasses", false);
    static final ResourceDefinitionContext HTTP_ROUTES = custom(GATEWAY_GROUP, "v1", "HTTPRoute", "httproutes", true);
    /** ReferenceGrant went GA as v1 (Gateway API 1.5+); v1beta1 is still served and is what older manifests use. */
    static final List<ResourceDefinitionContext> REFERENCE_GRANTS = List.of(
            custom(GATEWAY_GROUP, "v1", "ReferenceGrant", "referencegrants", true),
            custom(GATEWAY_GROUP, "v1beta1", "ReferenceGrant", "referencegrants", true));
    static final ResourceDefinitionContext VIRTUAL_SERVICES =
            custom(ISTIO_GROUP, "v1", "VirtualService", "virtualservices", true);
    /** Envoy Gateway's policies (envoyproxy/gateway v1.9.0 api/v1alpha1/securitypolicy_types.go, backendtrafficpolicy_types.go). */
    static final ResourceDefinitionContext SECURITY_POLICIES =
            custom(ENVOY_GATEWAY_GROUP, "v1alpha1", "SecurityPolicy", "securitypolicies", true);
    static final ResourceDefinitionContext BACKEND_TRAFFIC_POLICIES =
            custom(ENVOY_GATEWAY_GROUP, "v1alpha1", "BackendTrafficPolicy", "backendtrafficpolicies", true);

    /** The CRDs whose presence says an API is installed even when it has no objects yet. */
    public static final String GATEWAY_CRD = "gateways." + GATEWAY_GROUP;
    public static final String VIRTUAL_SERVICE_CRD = "virtualservices." + ISTIO_GROUP;
    static final List<String> CRDS = List.of(GATEWAY_CRD, VIRTUAL_SERVICE_CRD);

    /** kube-system ConfigMaps read from a cluster: the lab's record, and make up's data-plane choices. */
    static final String CONFIG_NAMESPACE = "kube-system";
    static final List<String> CONFIG_MAPS = List.of(Discovery.LAB_CONFIG_NAME, DataPlane.CONFIG_MAP);

    public ClusterSnapshot {
        nodes = List.copyOf(nodes);
        namespaces = List.copyOf(namespaces);
        pods = List.copyOf(pods);
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        networkPolicies = List.copyOf(networkPolicies);
        ingresses = List.copyOf(ingresses);
        configMaps = List.copyOf(configMaps);
        deployments = List.copyOf(deployments);
        daemonSets = List.copyOf(daemonSets);
        gateways = List.copyOf(gateways);
        gatewayClasses = List.copyOf(gatewayClasses);
        httpRoutes = List.copyOf(httpRoutes);
        referenceGrants = List.copyOf(referenceGrants);
        virtualServices = List.copyOf(virtualServices);
        securityPolicies = List.copyOf(securityPolicies);
        backendTrafficPolicies = List.copyOf(backendTrafficPolicies);
        secrets = List.copyOf(secrets);
        customResourceDefinitions = List.copyOf(customResourceDefinitions);
    }

    /** A ConfigMap's data (empty when it has none), if the snapshot holds the ConfigMap. */
    public Optional<Map<String, String>> configMapData(String namespace, String name) {
        return configMaps.stream().filter(c -> namespace.equals(c.getMetadata().getNamespace())
                        && name.equals(c.getMetadata().getName())).findFirst()
                .map(c -> c.getData() == null ? Map.of() : c.getData());
    }

    /** Reads a cluster through its API server: the objects discovery interprets, each kind listed once. */
    public static ClusterSnapshot read(KubernetesClient client) {
        List<ConfigMap> configMaps = CONFIG_MAPS.stream()
                .map(name -> client.configMaps().inNamespace(CONFIG_NAMESPACE).withName(name).get())
                .filter(Objects::nonNull).toList();
        List<GenericKubernetesResource> securityPolicies = listIfServed(client, SECURITY_POLICIES);
        List<Deployment> deployments = Topology.NETPATHS_NAMESPACES.stream()
                .flatMap(ns -> client.apps().deployments().inNamespace(ns).list().getItems().stream()).toList();
        return new ClusterSnapshot(client.getConfiguration().getMasterUrl(),
                client.nodes().list().getItems(), client.namespaces().list().getItems(),
                client.pods().inAnyNamespace().list().getItems(),
                client.services().inAnyNamespace().list().getItems(),
                client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems(),
                client.network().v1().networkPolicies().inAnyNamespace().list().getItems(),
                client.network().v1().ingresses().inAnyNamespace().list().getItems(),
                configMaps, deployments, client.apps().daemonSets().inAnyNamespace().list().getItems(),
                listIfServed(client, GATEWAYS), listIfServed(client, GATEWAY_CLASSES),
                listIfServed(client, HTTP_ROUTES),
                REFERENCE_GRANTS.stream().flatMap(v -> listIfServed(client, v).stream()).toList(),
                listIfServed(client, VIRTUAL_SERVICES), securityPolicies, listIfServed(client, BACKEND_TRAFFIC_POLICIES),
                apiKeySecrets(client, securityPolicies),
                CRDS.stream().filter(name -> crdExists(client, name)).toList());
    }

    /** The Secrets the SecurityPolicies' apiKeyAuth names, each read by name (the harness need not list Secrets). */
    private static List<Secret> apiKeySecrets(KubernetesClient client, List<GenericKubernetesResource> policies) {
        List<Secret> out = new ArrayList<>();
        for (GenericKubernetesResource p : policies) {
            if (!(p.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
                    || !(spec.get("apiKeyAuth") instanceof Map<?, ?> auth)
                    || !(auth.get("credentialRefs") instanceof List<?> refs)) {
                continue;
            }
            for (Object ref : refs) {
                if (ref instanceof Map<?, ?> r && r.get("name") != null) {
                    try {
                        Secret secret = client.secrets().inNamespace(p.getMetadata().getNamespace())
                                .withName(String.valueOf(r.get("name"))).get();
                        if (secret != null) {
                            out.add(secret);
                        }
                    } catch (KubernetesClientException e) {
                        // no permission to read it: the keyed case then has no key to send and says so
                    }
                }
            }
        }
        return out;
    }

    /**
     * Sorts objects (as a v1 List's items, parsed without a server) into a snapshot. Kinds discovery does not read
     * (MetalLB pools, Istio's own Gateway, ...) are left out; an object of a known kind that does not fit its model
     * is an error naming it.
     */
    public static ClusterSnapshot of(String apiServer, Collection<GenericKubernetesResource> objects) {
        KubernetesSerialization json = new KubernetesSerialization();
        return new ClusterSnapshot(apiServer,
                typed(json, objects, "v1", "Node", Node.class),
                typed(json, objects, "v1", "Namespace", Namespace.class),
                typed(json, objects, "v1", "Pod", Pod.class),
                typed(json, objects, "v1", "Service", Service.class),
                typed(json, objects, "discovery.k8s.io/v1", "EndpointSlice", EndpointSlice.class),
                typed(json, objects, "networking.k8s.io/v1", "NetworkPolicy", NetworkPolicy.class),
                typed(json, objects, "networking.k8s.io/v1", "Ingress", Ingress.class),
                typed(json, objects, "v1", "ConfigMap", ConfigMap.class),
                typed(json, objects, "apps/v1", "Deployment", Deployment.class),
                typed(json, objects, "apps/v1", "DaemonSet", DaemonSet.class),
                generic(objects, GATEWAYS), generic(objects, GATEWAY_CLASSES), generic(objects, HTTP_ROUTES),
                REFERENCE_GRANTS.stream().flatMap(v -> generic(objects, v).stream()).toList(),
                generic(objects, VIRTUAL_SERVICES), generic(objects, SECURITY_POLICIES),
                generic(objects, BACKEND_TRAFFIC_POLICIES), typed(json, objects, "v1", "Secret", Secret.class),
                typed(json, objects, "apiextensions.k8s.io/v1", "CustomResourceDefinition",
                        CustomResourceDefinition.class).stream().map(c -> c.getMetadata().getName())
                        .filter(CRDS::contains).collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                        .stream().toList());
    }

    /**
     * Parses YAML or JSON into a snapshot: a v1 List (as {@code kubectl get -o yaml} or the lab writes it) or one
     * object. A text that is neither is an error saying why.
     */
    public static ClusterSnapshot parse(String apiServer, String yaml) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<GenericKubernetesResource> items;
        try {
            GenericKubernetesResource root = serialization.unmarshal(yaml, GenericKubernetesResource.class);
            if (root == null || root.getKind() == null) {
                throw new IllegalArgumentException("not a Kubernetes object or v1 List: no kind");
            }
            items = root.getKind().equals("List") || root.getKind().endsWith("List")
                    ? Objects.requireNonNullElse(serialization.unmarshal(yaml, GenericKubernetesResourceList.class)
                            .getItems(), List.of())
                    : List.of(root);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Kubernetes object or v1 List: " + rootCause(e), e);
        }
        for (int i = 0; i < items.size(); i++) {
            GenericKubernetesResource item = items.get(i);
            if (item == null || item.getKind() == null || item.getApiVersion() == null || item.getMetadata() == null
                    || item.getMetadata().getName() == null) {
                throw new IllegalArgumentException("item " + i + " has no apiVersion, kind or metadata.name");
            }
        }
        return of(apiServer, items);
    }

    private static <T extends HasMetadata> List<T> typed(KubernetesSerialization json,
            Collection<GenericKubernetesResource> objects, String apiVersion, String kind, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (GenericKubernetesResource o : objects) {
            if (kind.equals(o.getKind()) && apiVersion.equals(o.getApiVersion())) {
                try {
                    out.add(json.convertValue(o, type));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("cannot read " + apiVersion + " " + kind + " "
                            + name(o) + ": " + rootCause(e), e);
                }
            }
        }
        return out;
    }

    private static List<GenericKubernetesResource> generic(Collection<GenericKubernetesResource> objects,
                                                           ResourceDefinitionContext context) {
        String apiVersion = context.getGroup() + "/" + context.getVersion();
        return objects.stream().filter(o -> context.getKind().equals(o.getKind())
                && apiVersion.equals(o.getApiVersion())).toList();
    }

    /** Lists a custom resource everywhere; empty when the API server does not serve it (CRD absent). */
    private static List<GenericKubernetesResource> listIfServed(KubernetesClient client,
                                                                ResourceDefinitionContext context) {
        try {
            return client.genericKubernetesResources(context).inAnyNamespace().list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private static boolean crdExists(KubernetesClient client, String name) {
        try {
            return client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null;
        } catch (KubernetesClientException e) {
            return false; // no permission to read CRDs: presence is then judged from the objects alone
        }
    }

    static List<ResourceDefinitionContext> customResources() {
        return Stream.concat(Stream.of(GATEWAYS, GATEWAY_CLASSES, HTTP_ROUTES, VIRTUAL_SERVICES, SECURITY_POLICIES,
                        BACKEND_TRAFFIC_POLICIES),
                REFERENCE_GRANTS.stream()).toList();
    }

    private static String name(HasMetadata o) {
        return Optional.ofNullable(o.getMetadata().getNamespace()).map(ns -> ns + "/").orElse("")
                + o.getMetadata().getName();
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return Objects.requireNonNullElse(t.getMessage(), t.getClass().getSimpleName()).lines().findFirst()
                .orElse("");
    }

    private static ResourceDefinitionContext custom(String group, String version, String kind, String plural,
                                                    boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }
}

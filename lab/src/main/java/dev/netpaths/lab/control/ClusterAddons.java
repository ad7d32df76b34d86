package dev.netpaths.lab.control;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The objects a real cluster's add-ons would have created, as the lab stands them in: cluster DNS
 * ({@code kube-system/coredns} Deployment with {@code k8s-app: kube-dns}, Service {@code kube-system/kube-dns}
 * on the DNS IP with {@code dns} 53/UDP and {@code dns-tcp} 53/TCP) and the three entry-point controllers
 * (Deployment + LoadBalancer Service each, Service port 80 {@code http} to container port 80 {@code http}):
 * {@code ingress-nginx/ingress-nginx-controller}, {@code envoy-gateway-system/envoy-netpaths-gateway},
 * {@code istio-system/istio-ingressgateway}. The Deployments tolerate the control-plane taint (as CoreDNS
 * and kind's ingress-nginx do) and go through {@link Workloads} like any other; the runtime recognises their
 * pods with {@link #addonOf(Pod)} and runs dnsmasq or nginx in them instead of a JVM.
 *
 * <p>Simplified: one replica each (kind runs two CoreDNS replicas); no RBAC, ConfigMaps, probes or webhooks.
 */
public final class ClusterAddons {
    /** The label the API server puts on every Namespace. */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private ClusterAddons() {
    }

    /** An add-on the lab stands in for, with the names and labels the real one uses. */
    public enum Addon {
        /** CoreDNS, stood in by dnsmasq ({@link ClusterDns}). */
        DNS("kube-system", "coredns", "kube-dns", "k8s-app", "kube-dns",
                "registry.k8s.io/coredns/coredns:v1.11.3"),
        /** ingress-nginx's controller, stood in by nginx ({@link IngressNginx}). */
        INGRESS_NGINX("ingress-nginx", "ingress-nginx-controller", "ingress-nginx-controller",
                "app.kubernetes.io/name", "ingress-nginx", "registry.k8s.io/ingress-nginx/controller:v1.12.1"),
        /** Envoy Gateway's proxy for Gateway {@code netpaths/netpaths-gateway}, stood in by nginx ({@link GatewayNginx}). */
        ENVOY_GATEWAY("envoy-gateway-system", "envoy-netpaths-gateway", "envoy-netpaths-gateway",
                "app.kubernetes.io/name", "envoy-netpaths-gateway", "docker.io/envoyproxy/envoy:distroless-v1.33.0"),
        /** Istio's ingress gateway, stood in by nginx ({@link IstioNginx}). */
        ISTIO_GATEWAY("istio-system", "istio-ingressgateway", "istio-ingressgateway",
                "istio", "ingressgateway", "docker.io/istio/proxyv2:1.25.0");

        private final String namespace;
        private final String deployment;
        private final String service;
        private final String labelKey;
        private final String labelValue;
        private final String image;

        Addon(String namespace, String deployment, String service, String labelKey, String labelValue, String image) {
            this.namespace = namespace;
            this.deployment = deployment;
            this.service = service;
            this.labelKey = labelKey;
            this.labelValue = labelValue;
            this.image = image;
        }

        public String namespace() {
            return namespace;
        }

        public String deploymentName() {
            return deployment;
        }

        public String serviceName() {
            return service;
        }

        /** The pod label key the Service selects on (e.g. {@code istio}). */
        public String labelKey() {
            return labelKey;
        }

        /** The pod label value the Service selects on (e.g. {@code ingressgateway}). */
        public String labelValue() {
            return labelValue;
        }

        /** The image the real add-on runs; the runtime maps it to dnsmasq or nginx. */
        public String image() {
            return image;
        }
    }

    /**
     * The add-on Deployments and Services, each Deployment followed by its Service: kube-dns with
     * {@code clusterIP: dnsIp}; the controller Services of type LoadBalancer without addresses
     * ({@link ServiceAllocator} and {@link MetalLb} fill them).
     */
    public static List<HasMetadata> addons(String dnsIp) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Addon addon : Addon.values()) {
            boolean dns = addon == Addon.DNS;
            List<ServicePort> ports = dns
                    ? List.of(port("dns", 53, "UDP"), port("dns-tcp", 53, "TCP"))
                    : List.of(port("http", 80, "TCP"));
            objects.add(deployment(addon, ports));
            objects.add(new ServiceBuilder()
                    .withNewMetadata().withName(addon.serviceName()).withNamespace(addon.namespace())
                    .withLabels(labels(addon)).endMetadata()
                    .withNewSpec().withType(dns ? "ClusterIP" : "LoadBalancer").withClusterIP(dns ? dnsIp : null)
                    .withSelector(Map.of(addon.labelKey(), addon.labelValue())).withPorts(ports).endSpec()
                    .build());
        }
        return objects;
    }

    private static ServicePort port(String name, int port, String protocol) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol)
                .withTargetPort(new IntOrString(name)).build();
    }

    private static Map<String, String> labels(Addon addon) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(addon.labelKey(), addon.labelValue());
        labels.put("app.kubernetes.io/part-of", "netpaths-lab");
        return labels;
    }

    private static Deployment deployment(Addon addon, List<ServicePort> ports) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(addon.deploymentName()).withNamespace(addon.namespace())
                .withLabels(labels(addon)).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(Map.of(addon.labelKey(), addon.labelValue())).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels(addon)).endMetadata()
                .withNewSpec()
                .addToTolerations(new TolerationBuilder().withKey("node-role.kubernetes.io/control-plane")
                        .withOperator("Exists").withEffect("NoSchedule").build())
                .addNewContainer().withName(addon == Addon.DNS ? "coredns" : "controller").withImage(addon.image())
                .withPorts(ports.stream().map(p -> new ContainerPortBuilder().withName(p.getName())
                        .withContainerPort(p.getPort()).withProtocol(p.getProtocol()).build()).toList())
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * A Namespace for every namespace the objects use or declare (plus {@code default}, {@code kube-system} and
     * the add-ons' namespaces), sorted by name, each labelled {@code kubernetes.io/metadata.name: <name>} as the
     * API server does; declared Namespaces keep their own labels and annotations (copies, inputs untouched).
     */
    public static List<Namespace> namespaces(List<? extends HasMetadata> objects) {
        Map<String, Namespace> byName = new TreeMap<>();
        for (String name : List.of("default", "kube-system")) {
            byName.put(name, null);
        }
        for (Addon addon : Addon.values()) {
            byName.put(addon.namespace(), null);
        }
        for (HasMetadata object : objects) {
            if (object instanceof Namespace declared) {
                byName.put(declared.getMetadata().getName(), declared);
            } else if (object.getMetadata().getNamespace() != null) {
                byName.putIfAbsent(object.getMetadata().getNamespace(), null);
            }
        }
        List<Namespace> namespaces = new ArrayList<>();
        byName.forEach((name, declared) -> namespaces.add((declared == null
                ? new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                : new NamespaceBuilder(declared))
                .editMetadata().addToLabels(NAMESPACE_NAME_LABEL, name).endMetadata()
                .build()));
        return namespaces;
    }

    /** Which add-on a pod belongs to (by namespace and the Service selector label), if any. */
    public static Optional<Addon> addonOf(Pod pod) {
        for (Addon addon : Addon.values()) {
            if (addon.namespace().equals(Kube.namespace(pod))
                    && addon.labelValue().equals(Kube.labels(pod).get(addon.labelKey()))) {
                return Optional.of(addon);
            }
        }
        return Optional.empty();
    }
}

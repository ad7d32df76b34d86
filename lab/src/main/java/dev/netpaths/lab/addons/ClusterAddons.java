package dev.netpaths.lab.addons;

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
import java.util.function.Supplier;

import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.ServiceAllocator;
import dev.netpaths.lab.api.Workloads;

/**
 * The objects a real cluster's add-ons would have created, as the lab stands them in: cluster DNS
 * ({@code kube-system/coredns} Deployment with {@code k8s-app: kube-dns}, Service {@code kube-system/kube-dns}
 * on the DNS IP with {@code dns} 53/UDP and {@code dns-tcp} 53/TCP) and the three entry-point controllers
 * (Deployment + LoadBalancer Service each): the ingress controller {@code INGRESS} selects
 * ({@code nginx-ingress/nginx-ingress-controller} for F5 NGINX Ingress Controller, the default, or
 * {@code ingress-nginx/ingress-nginx-controller}) with its IngressClass {@code nginx}, port 80;
 * {@code envoy-gateway-system/envoy-netpaths-gateway} with one port per listener port of the served Gateways
 * ({@link GatewayNginx#listenerPorts}) and {@code externalTrafficPolicy: Local}, Envoy Gateway's default
 * ({@code envoyproxy/gateway api/v1alpha1/kubernetes_helpers.go DefaultKubernetesServiceExternalTrafficPolicy});
 * {@code istio-system/istio-ingressgateway}, port 80 ({@code http2}, the gateway chart's). Placement as
 * installed: CoreDNS and the ingress controller tolerate the control-plane taint (kubeadm's CoreDNS; the
 * ingress controller's Helm values in scripts/cluster/lib.sh also pin it to the {@code ingress-ready} node),
 * Envoy's and Istio's gateway pods do not, so they run on workers. The Deployments go through
 * {@link Workloads} like any other; the runtime recognises their pods with {@link #addonOf(Pod)} and runs
 * dnsmasq or nginx in them instead of a JVM.
 *
 * <p>Simplified: one replica each (kind runs two CoreDNS replicas); no RBAC, ConfigMaps, probes or webhooks;
 * the Envoy Service is named {@code envoy-netpaths-gateway}, not Envoy Gateway's
 * {@code envoy-<namespace>-<gateway>-<hash>}. The F5 controller's Service has {@code externalTrafficPolicy: Cluster}
 * as scripts/cluster/lib.sh installs it (overriding the chart's {@code Local}: see docs/lab/fidelity.md).
 */
public final class ClusterAddons {
    /** The label the API server puts on every Namespace. */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    private static final String CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";

    private ClusterAddons() {
    }

    /**
     * An add-on the lab stands in for, with the names and labels the real one uses and the image it runs, derived
     * from the pins of scripts/versions.env ({@link Pins}) as the scripts install it: the F5 chart's
     * {@code nginx/nginx-ingress} at its appVersion (nginx/kubernetes-ingress v5.5.4 charts/nginx-ingress/values.yaml
     * {@code controller.image.repository}, templates/_helpers.tpl: tag defaults to {@code .Chart.AppVersion});
     * ingress-nginx's controller image of its manifest (kubernetes/ingress-nginx controller-v1.15.1
     * deploy/static/provider/kind/deploy.yaml: {@code registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:...},
     * the tag the git tag without {@code controller-}); Istio's {@code proxyv2} from Docker Hub at the release
     * (istio/istio manifests/charts/istio-control/istio-discovery/values.yaml: "Releases are published to docker hub
     * under 'istio' project"; the published chart's hub and tag values are set by Istio's release build and were not
     * read here); Envoy Gateway's and CoreDNS's images are pins of their own (ENVOY_PROXY_IMAGE, COREDNS_IMAGE,
     * the latter UNVERIFIED: see its pin line).
     */
    public enum Addon {
        /** CoreDNS, stood in by dnsmasq ({@link ClusterDns}). */
        DNS("kube-system", "coredns", "kube-dns", "k8s-app", "kube-dns",
                () -> Pins.get("COREDNS_IMAGE"), true),
        /** F5 NGINX Ingress Controller (Helm release nginx-ingress), stood in by nginx ({@link IngressNginx}). */
        NGINX_INGRESS("nginx-ingress", "nginx-ingress-controller", "nginx-ingress-controller",
                "app.kubernetes.io/name", "nginx-ingress", () -> "docker.io/nginx/nginx-ingress:" + Pins.get("NGINX_IC_VERSION"), true),
        /** kubernetes/ingress-nginx's controller, stood in by nginx ({@link IngressNginx}). */
        INGRESS_NGINX("ingress-nginx", "ingress-nginx-controller", "ingress-nginx-controller",
                "app.kubernetes.io/name", "ingress-nginx",
                () -> "registry.k8s.io/ingress-nginx/controller:" + Pins.get("INGRESS_NGINX_VERSION").replaceFirst("^controller-", ""), true),
        /** Envoy Gateway's proxy for Gateway {@code netpaths/netpaths-gateway}, stood in by nginx ({@link GatewayNginx}). */
        ENVOY_GATEWAY("envoy-gateway-system", "envoy-netpaths-gateway", "envoy-netpaths-gateway",
                "app.kubernetes.io/name", "envoy-netpaths-gateway", () -> Pins.get("ENVOY_PROXY_IMAGE"), false),
        /** Istio's ingress gateway, stood in by nginx ({@link IstioNginx}). */
        ISTIO_GATEWAY("istio-system", "istio-ingressgateway", "istio-ingressgateway",
                "istio", "ingressgateway", () -> "docker.io/istio/proxyv2:" + Pins.get("ISTIO_VERSION"), false);

        private final String namespace;
        private final String deployment;
        private final String service;
        private final String labelKey;
        private final String labelValue;
        private final Supplier<String> image;
        private final boolean onControlPlane;

        Addon(String namespace, String deployment, String service, String labelKey, String labelValue, Supplier<String> image,
              boolean onControlPlane) {
            this.namespace = namespace;
            this.deployment = deployment;
            this.service = service;
            this.labelKey = labelKey;
            this.labelValue = labelValue;
            this.image = image;
            this.onControlPlane = onControlPlane;
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

        /** The image the real add-on runs, from scripts/versions.env's pins; the runtime maps it to dnsmasq or nginx. */
        public String image() {
            return image.get();
        }

        /** The ingress controller add-on for {@code controller}. */
        public static Addon ingress(IngressNginx.Controller controller) {
            return controller == IngressNginx.Controller.NGINX_INC ? NGINX_INGRESS : INGRESS_NGINX;
        }

        /** Whether this add-on is the ingress controller of either kind. */
        public boolean isIngress() {
            return this == NGINX_INGRESS || this == INGRESS_NGINX;
        }
    }

    /** The add-ons for the default ingress controller and no Gateways (Envoy's proxy on port 80). */
    public static List<HasMetadata> addons(String dnsIp) {
        return addons(dnsIp, IngressNginx.Controller.NGINX_INC, List.of());
    }

    /** The add-ons of a cluster whose ingress controller is {@code ingress}: DNS, ingress, Envoy Gateway, Istio, MetalLB. */
    public static List<AddOn> of(IngressNginx.Controller ingress) {
        return List.of(new DnsAddOn(), new IngressAddOn(ingress), new GatewayAddOn(), new IstioAddOn(), new MetalLbAddOn());
    }

    /**
     * The add-on Deployments and Services, each Deployment followed by its Service (and the ingress controller's
     * IngressClass): kube-dns with {@code clusterIP: dnsIp}; the controller Services of type LoadBalancer without
     * addresses ({@link ServiceAllocator} and {@link MetalLb} fill them).
     *
     * @param objects the applied manifests: the Gateways (and GatewayClasses) decide the Envoy proxy's ports
     */
    public static List<HasMetadata> addons(String dnsIp, IngressNginx.Controller ingress, List<HasMetadata> objects) {
        List<HasMetadata> result = new ArrayList<>();
        for (AddOn addOn : of(ingress)) {
            result.addAll(addOn.objects(dnsIp, objects));
        }
        return result;
    }

    /**
     * An add-on's Deployment and its Service on {@code ports}: ClusterIP {@code clusterIp} when given, else a
     * LoadBalancer Service, with {@code externalTrafficPolicy} when given.
     */
    static List<HasMetadata> install(Addon addon, List<ServicePort> ports, String clusterIp, String externalTrafficPolicy) {
        return List.of(deployment(addon, ports), new ServiceBuilder()
                .withNewMetadata().withName(addon.serviceName()).withNamespace(addon.namespace())
                .withLabels(labels(addon)).endMetadata()
                .withNewSpec().withType(clusterIp != null ? "ClusterIP" : "LoadBalancer").withClusterIP(clusterIp)
                .withExternalTrafficPolicy(externalTrafficPolicy)
                .withSelector(Map.of(addon.labelKey(), addon.labelValue())).withPorts(ports).endSpec()
                .build());
    }

    static ServicePort port(String name, int port, String protocol) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol)
                .withTargetPort(new IntOrString(name)).build();
    }

    static Map<String, String> labels(Addon addon) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(addon.labelKey(), addon.labelValue());
        labels.put("app.kubernetes.io/part-of", "netpaths-lab");
        return labels;
    }

    private static Deployment deployment(Addon addon, List<ServicePort> ports) {
        DeploymentBuilder builder = new DeploymentBuilder()
                .withNewMetadata().withName(addon.deploymentName()).withNamespace(addon.namespace())
                .withLabels(labels(addon)).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(Map.of(addon.labelKey(), addon.labelValue())).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels(addon)).endMetadata()
                .withNewSpec()
                .addNewContainer().withName(addon == Addon.DNS ? "coredns" : "controller").withImage(addon.image())
                .withPorts(ports.stream().map(p -> new ContainerPortBuilder().withName(p.getName())
                        .withContainerPort(p.getPort()).withProtocol(p.getProtocol()).build()).toList())
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec();
        Deployment deployment = builder.build();
        var podSpec = deployment.getSpec().getTemplate().getSpec();
        if (addon.onControlPlane) {
            podSpec.setTolerations(List.of(new TolerationBuilder().withKey(CONTROL_PLANE_TAINT)
                    .withOperator("Exists").withEffect("NoSchedule").build()));
        }
        if (addon.isIngress()) {
            podSpec.setNodeSelector(Map.of("ingress-ready", "true"));
        }
        return deployment;
    }

    /**
     * A Namespace for every namespace the objects use or declare (plus {@code default} and {@code kube-system};
     * pass the add-ons among the objects for theirs), sorted by name, each labelled {@code kubernetes.io/metadata.name: <name>} as the
     * API server does; declared Namespaces keep their own labels and annotations (copies, inputs untouched).
     */
    public static List<Namespace> namespaces(List<? extends HasMetadata> objects) {
        Map<String, Namespace> byName = new TreeMap<>();
        for (String name : List.of("default", "kube-system")) {
            byName.put(name, null);
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

package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.netpaths.lab.api.Kube;

/**
 * The NGINX ingress controller the cluster scripts install, for the Ingresses of its IngressClass: an Ingress
 * is served when its {@code spec.ingressClassName} (or legacy {@code kubernetes.io/ingress.class} annotation)
 * names an {@code IngressClass} whose {@code spec.controller} is this controller's (the Helm chart / manifest
 * creates IngressClass {@code nginx}; the lab adds it with the add-on). nginx.conf with upstreams straight to
 * the ready pod endpoints (both controllers balance over endpoints, not the ClusterIP), one server per host,
 * exact-then-longest path precedence as nginx resolves it, the oldest Ingress first for the same host and path.
 *
 * <p>Two controllers, selected like {@code INGRESS=} in scripts/cluster ({@link Controller#fromSetting}):
 * <ul>
 *   <li>{@link Controller#NGINX_INC} (the default, {@code INGRESS=nginx}): F5 NGINX Ingress Controller
 *   ({@code nginx/kubernetes-ingress}). {@code internal/configs/ingress.go generateIngressPath}: {@code Exact}
 *   becomes {@code location = /p}, every other pathType, {@code Prefix} included, nginx's plain prefix
 *   {@code location /p}, so {@code /v1} also matches {@code /v10}. Headers from
 *   {@code internal/configs/version1/nginx.ingress.tmpl}: {@code X-Forwarded-For $proxy_add_x_forwarded_for}
 *   (appends to the client's header), X-Real-IP, X-Forwarded-Host/Port/Proto. A backend Service that is
 *   missing or has no ready endpoint gets an upstream with only the default server: 502. Upstreams balance
 *   with {@code random two least_conn}, the default {@code lb-method} ({@code internal/configs/config_params.go}).</li>
 *   <li>{@link Controller#INGRESS_NGINX} ({@code INGRESS=ingress-nginx}, the retired kubernetes/ingress-nginx):
 *   {@code Prefix} element-wise ({@code = /v1} plus {@code /v1/}: not {@code /v1x}), {@code ImplementationSpecific}
 *   as a plain prefix, X-Forwarded-For set to the client address ({@code compute-full-forwarded-for: false}),
 *   503 for a backend without endpoints, round robin.</li>
 * </ul>
 * Unmatched paths and unknown hosts answer 404 with both.
 *
 * <p>Simplified: no TLS, no annotations (rewrite-target etc.), no {@code defaultBackend}, no resource
 * backends; rules without a host are served by the default server only, never as a fallback for a host that
 * has rules.
 */
public final class IngressNginx {
    /** The IngressClass name the controllers' installs create. */
    public static final String INGRESS_CLASS = "nginx";

    /** A controller the lab can stand in for. */
    public enum Controller {
        /** F5 NGINX Ingress Controller, {@code INGRESS=nginx} (the default). */
        NGINX_INC("nginx", "nginx.org/ingress-controller", NginxConfig.PathKind.STRING_PREFIX, "@502",
                NginxConfig.RANDOM_TWO_LEAST_CONN, List.of(
                "proxy_set_header Host $host;",
                "proxy_set_header X-Real-IP $remote_addr;",
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "proxy_set_header X-Forwarded-Host $host;",
                "proxy_set_header X-Forwarded-Port $server_port;",
                "proxy_set_header X-Forwarded-Proto $scheme;",
                "proxy_set_header Connection \"\";")),
        /** kubernetes/ingress-nginx, {@code INGRESS=ingress-nginx}. */
        INGRESS_NGINX("ingress-nginx", "k8s.io/ingress-nginx", NginxConfig.PathKind.PREFIX, "@503", "", List.of(
                "proxy_set_header Host $host;",
                "proxy_set_header X-Request-ID $request_id;",
                "proxy_set_header X-Real-IP $remote_addr;",
                "proxy_set_header X-Forwarded-For $remote_addr;",
                "proxy_set_header X-Forwarded-Host $host;",
                "proxy_set_header X-Forwarded-Port $server_port;",
                "proxy_set_header X-Forwarded-Proto $scheme;",
                "proxy_set_header X-Forwarded-Scheme $scheme;",
                "proxy_set_header X-Scheme $scheme;",
                "proxy_set_header X-Original-URI $request_uri;",
                "proxy_set_header Connection \"\";"));

        private final String setting;
        private final String controllerName;
        private final NginxConfig.PathKind prefix;
        private final String noEndpoints;
        private final String balancing;
        private final List<String> headers;

        Controller(String setting, String controllerName, NginxConfig.PathKind prefix, String noEndpoints,
                   String balancing, List<String> headers) {
            this.setting = setting;
            this.controllerName = controllerName;
            this.prefix = prefix;
            this.noEndpoints = noEndpoints;
            this.balancing = balancing;
            this.headers = headers;
        }

        /** The value of {@code INGRESS} that selects it. */
        public String setting() {
            return setting;
        }

        /** The IngressClass {@code spec.controller} it serves. */
        public String controllerName() {
            return controllerName;
        }

        /**
         * {@code INGRESS}: {@code nginx} (or unset/empty) or {@code ingress-nginx}.
         *
         * @throws IllegalArgumentException naming the value otherwise
         */
        public static Controller fromSetting(String value) {
            if (value == null || value.isBlank()) {
                return NGINX_INC;
            }
            for (Controller c : values()) {
                if (c.setting.equals(value.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("INGRESS must be nginx (F5 NGINX Ingress Controller) or ingress-nginx, got '"
                    + value + "'");
        }
    }

    private IngressNginx() {
    }

    /** nginx.conf for the Ingresses among {@code ingresses} whose IngressClass names {@code controller}. */
    public static String render(Controller controller, List<IngressClass> classes, List<Ingress> ingresses,
                                List<Service> services, List<EndpointSlice> slices, NginxPaths paths) {
        NginxConfig.Upstreams upstreams = new NginxConfig.Upstreams(slices, controller.noEndpoints, controller.balancing);
        record Candidate(NginxConfig.Route route, int ingressOrder) {
        }
        Map<String, List<Candidate>> byHost = new TreeMap<>();
        List<Ingress> ours = served(controller, classes, ingresses);
        for (int order = 0; order < ours.size(); order++) {
            Ingress ingress = ours.get(order);
            for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of() : ingress.getSpec().getRules()) {
                if (rule.getHttp() == null) {
                    continue;
                }
                String host = rule.getHost() == null ? "" : rule.getHost();
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    NginxConfig.Route route = new NginxConfig.Route(kind(controller, ingress, path), path.getPath() == null ? "/" : path.getPath(),
                            List.of(), List.of(new NginxConfig.Backend(target(ingress, path, services, upstreams), 1)),
                            "Ingress " + Kube.key(ingress) + " " + (host.isEmpty() ? "*" : host) + " " + path.getPathType()
                                    + " " + path.getPath());
                    byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new Candidate(route, order));
                }
            }
        }
        Map<String, List<NginxConfig.Route>> servers = new TreeMap<>();
        byHost.forEach((host, candidates) -> servers.put(host, candidates.stream()
                .sorted(Comparator.comparing((Candidate c) -> c.route().kind() != NginxConfig.PathKind.EXACT)
                        .thenComparing(c -> -c.route().path().length())
                        .thenComparingInt(Candidate::ingressOrder))
                .map(Candidate::route)
                .toList()));
        return NginxConfig.render(paths, controller.setting + " stand-in (" + controller.controllerName + ")", upstreams,
                servers, controller.headers);
    }

    /** The Ingresses the controller serves, oldest first, then by namespace/name. */
    private static List<Ingress> served(Controller controller, List<IngressClass> classes, List<Ingress> ingresses) {
        return ingresses.stream()
                .filter(i -> isOurs(controller, classes, i))
                .sorted(Comparator.comparing((Ingress i) -> i.getMetadata().getCreationTimestamp() == null ? ""
                        : i.getMetadata().getCreationTimestamp()).thenComparing(Kube::key))
                .toList();
    }

    private static boolean isOurs(Controller controller, List<IngressClass> classes, Ingress ingress) {
        if (ingress.getSpec() == null) {
            return false;
        }
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        String legacy = annotations == null ? null : annotations.get("kubernetes.io/ingress.class");
        String className = ingress.getSpec().getIngressClassName() != null ? ingress.getSpec().getIngressClassName() : legacy;
        return classes.stream().anyMatch(c -> c.getMetadata().getName().equals(className) && c.getSpec() != null
                && controller.controllerName.equals(c.getSpec().getController()));
    }

    private static NginxConfig.PathKind kind(Controller controller, Ingress ingress, HTTPIngressPath path) {
        String type = path.getPathType();
        if ("Exact".equals(type)) {
            return NginxConfig.PathKind.EXACT;
        }
        if ("Prefix".equals(type)) {
            return controller.prefix;
        }
        if ("ImplementationSpecific".equals(type)) {
            return NginxConfig.PathKind.STRING_PREFIX;
        }
        throw new IllegalArgumentException("Ingress " + Kube.key(ingress) + ": unknown pathType " + type);
    }

    private static String target(Ingress ingress, HTTPIngressPath path, List<Service> services,
                                 NginxConfig.Upstreams upstreams) {
        IngressServiceBackend backend = path.getBackend() == null ? null : path.getBackend().getService();
        if (backend == null) {
            throw new IllegalArgumentException("Ingress " + Kube.key(ingress) + ": path " + path.getPath()
                    + " has no service backend (resource backends are not supported)");
        }
        Service service = NginxConfig.service(services, Kube.namespace(ingress), backend.getName());
        if (service == null) {
            return upstreams.noEndpoints();
        }
        Integer number = backend.getPort() == null ? null : backend.getPort().getNumber();
        String name = backend.getPort() == null ? null : backend.getPort().getName();
        ServicePort port = NginxConfig.servicePort(service, number, name);
        return port == null ? upstreams.noEndpoints() : upstreams.upstream(service, port);
    }

    /**
     * Sets {@code status.loadBalancer.ingress[0].ip = address} in place on the Ingresses the controller serves,
     * as both publish their controller Service's address ({@code -external-service} / {@code --publish-service}).
     */
    public static void writeStatus(Controller controller, List<IngressClass> classes, List<Ingress> ingresses, String address) {
        for (Ingress ingress : ingresses) {
            if (isOurs(controller, classes, ingress)) {
                ingress.setStatus(new IngressStatusBuilder().withNewLoadBalancer()
                        .withIngress(new IngressLoadBalancerIngressBuilder()
                                .withIp(address).build())
                        .endLoadBalancer().build());
            }
        }
    }
}

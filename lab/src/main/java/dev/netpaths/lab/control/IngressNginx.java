package dev.netpaths.lab.control;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ingress-nginx's controller for IngressClass {@code nginx} ({@code spec.ingressClassName}, or the legacy
 * {@code kubernetes.io/ingress.class} annotation): nginx.conf with upstreams straight to the ready pod
 * endpoints (ingress-nginx balances over endpoints, not the ClusterIP), one server per host, locations per
 * path: {@code Exact} as {@code location = /p}, {@code Prefix} element-wise ({@code /v1} matches {@code /v1}
 * and {@code /v1/x}, not {@code /v1x}; ingress-nginx also writes {@code = /v1} plus {@code /v1/}),
 * {@code ImplementationSpecific} as nginx's plain prefix. Precedence as nginx resolves it: exact first, then
 * the longest path; for the same host and path the oldest Ingress wins (then namespace/name). The proxy
 * headers are ingress-nginx's defaults (X-Forwarded-For is the client address, as with
 * {@code compute-full-forwarded-for: false}). A backend Service that is missing or has no ready endpoint
 * answers 503; unmatched paths and unknown hosts 404.
 *
 * <p>Simplified: no TLS, no annotations (rewrite-target etc.), no {@code defaultBackend}, no resource
 * backends; rules without a host are served by the default server only (ingress-nginx's catch-all server
 * {@code _}), never as a fallback for a host that has rules.
 */
public final class IngressNginx {
    /** The IngressClass this controller serves. */
    public static final String INGRESS_CLASS = "nginx";

    static final List<String> PROXY_HEADERS = List.of(
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
            "proxy_set_header Connection \"\";");

    private IngressNginx() {
    }

    /** nginx.conf for the Ingresses of class {@code nginx} among {@code ingresses}. */
    public static String render(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> slices,
                                NginxPaths paths) {
        NginxConfig.Upstreams upstreams = new NginxConfig.Upstreams(slices);
        record Candidate(NginxConfig.Route route, int ingressOrder) {
        }
        Map<String, List<Candidate>> byHost = new TreeMap<>();
        List<Ingress> ours = served(ingresses);
        for (int order = 0; order < ours.size(); order++) {
            Ingress ingress = ours.get(order);
            for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of() : ingress.getSpec().getRules()) {
                if (rule.getHttp() == null) {
                    continue;
                }
                String host = rule.getHost() == null ? "" : rule.getHost();
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    NginxConfig.Route route = new NginxConfig.Route(kind(ingress, path), path.getPath() == null ? "/" : path.getPath(),
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
        return NginxConfig.render(paths, "ingress-nginx stand-in, IngressClass " + INGRESS_CLASS, upstreams, servers,
                PROXY_HEADERS);
    }

    /** The Ingresses of class nginx, oldest first, then by namespace/name. */
    private static List<Ingress> served(List<Ingress> ingresses) {
        return ingresses.stream()
                .filter(IngressNginx::isOurs)
                .sorted(Comparator.comparing((Ingress i) -> i.getMetadata().getCreationTimestamp() == null ? ""
                        : i.getMetadata().getCreationTimestamp()).thenComparing(Kube::key))
                .toList();
    }

    private static boolean isOurs(Ingress ingress) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        String legacy = annotations == null ? null : annotations.get("kubernetes.io/ingress.class");
        return ingress.getSpec() != null && (INGRESS_CLASS.equals(ingress.getSpec().getIngressClassName())
                || ingress.getSpec().getIngressClassName() == null && INGRESS_CLASS.equals(legacy));
    }

    private static NginxConfig.PathKind kind(Ingress ingress, HTTPIngressPath path) {
        String type = path.getPathType();
        if ("Exact".equals(type)) {
            return NginxConfig.PathKind.EXACT;
        }
        if ("Prefix".equals(type)) {
            return NginxConfig.PathKind.PREFIX;
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
            return "@503";
        }
        Integer number = backend.getPort() == null ? null : backend.getPort().getNumber();
        String name = backend.getPort() == null ? null : backend.getPort().getName();
        ServicePort port = NginxConfig.servicePort(service, number, name);
        return port == null ? "@503" : upstreams.upstream(service, port);
    }

    /**
     * Sets {@code status.loadBalancer.ingress[0].ip = address} in place on the Ingresses of class nginx, as
     * ingress-nginx publishes its controller Service's address ({@code --publish-service}).
     */
    public static void writeStatus(List<Ingress> ingresses, String address) {
        for (Ingress ingress : ingresses) {
            if (isOurs(ingress)) {
                ingress.setStatus(new IngressStatusBuilder().withNewLoadBalancer()
                        .withIngress(new IngressLoadBalancerIngressBuilder()
                                .withIp(address).build())
                        .endLoadBalancer().build());
            }
        }
    }
}

package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.netpaths.lab.api.Kube;

/**
 * Istio's ingress gateway (the pods labelled {@code istio: ingressgateway}) for networking.istio.io
 * {@code Gateway} and {@code VirtualService}: a VirtualService bound to a Gateway whose {@code selector} picks
 * the ingress gateway ({@code gateways} entries {@code ns/name}, or {@code name} in the VirtualService's
 * namespace) serves those of its {@code hosts} that the Gateway's {@code servers[].hosts} admit ({@code *},
 * {@code *.suffix}, exact, with an optional {@code ns/} or {@code ./} namespace part). Routes: VirtualServices
 * for a host are merged oldest first (as Istio merges them on a gateway), {@code http[]} rules in order, first
 * match wins; a rule's {@code match[]} entries are OR-ed, each with {@code uri} prefix (a plain string prefix,
 * so {@code /v1} also matches {@code /v1x}, as in Istio) or exact and exact {@code headers}; a rule without
 * match matches everything. Destinations: {@code host} as short name (the VirtualService's namespace),
 * {@code name.ns}, {@code name.ns.svc} or the FQDN, {@code port.number} (optional when the Service has one
 * port), {@code weight} split per request. A missing Service or one without ready endpoints answers 503,
 * unmatched requests 404. Proxy headers as Envoy's.
 *
 * <p>Only servers on port {@value #SERVICE_PORT} are served: the gateway chart's Service has {@code http2} 80
 * (to the pod's 8080) and Istio binds a server whose number is a Service port to that port's target; any other
 * number is bound on the pod alone, where the LoadBalancer never sends traffic.
 *
 * <p>Simplified: HTTP servers only, no subsets
 * (DestinationRules), no regex or prefix header matches (rejected), no rewrites/redirects/retries/faults;
 * ServiceEntries are not consulted.
 */
public final class IstioNginx {
    private static final String CLUSTER_SUFFIX = ".svc.cluster.local";
    /** The HTTP port of the gateway chart's Service ({@code http2}). */
    public static final int SERVICE_PORT = 80;

    private IstioNginx() {
    }

    /** nginx.conf for the ingress gateway. */
    public static String render(List<GenericKubernetesResource> istioGateways,
                                List<GenericKubernetesResource> virtualServices, List<Service> services,
                                List<EndpointSlice> slices, NginxPaths paths) {
        NginxConfig.Upstreams upstreams = new NginxConfig.Upstreams(slices);
        Map<String, List<NginxConfig.Route>> servers = new TreeMap<>();
        List<GenericKubernetesResource> ordered = virtualServices.stream()
                .sorted(Comparator.comparing((GenericKubernetesResource v) -> v.getMetadata().getCreationTimestamp() == null
                        ? "" : v.getMetadata().getCreationTimestamp()).thenComparing(Kube::key))
                .toList();
        for (GenericKubernetesResource vs : ordered) {
            Map<String, Object> spec = map(vs.getAdditionalProperties().get("spec"));
            Set<String> hosts = new LinkedHashSet<>();
            for (String gatewayRef : strings(spec.get("gateways"))) {
                GenericKubernetesResource gateway = gateway(istioGateways, vs, gatewayRef);
                if (gateway != null) {
                    hosts.addAll(servedHosts(gateway, vs, strings(spec.get("hosts"))));
                }
            }
            if (hosts.isEmpty()) {
                continue;
            }
            List<NginxConfig.Route> routes = routes(vs, spec, services, upstreams);
            for (String host : hosts) {
                servers.computeIfAbsent(host, h -> new ArrayList<>()).addAll(routes);
            }
        }
        return NginxConfig.render(paths, "Istio ingress gateway stand-in", upstreams, servers,
                NginxConfig.ENVOY_PROXY_HEADERS);
    }

    /** The Gateway a VirtualService's {@code gateways} entry names, when it selects the ingress gateway. */
    private static GenericKubernetesResource gateway(List<GenericKubernetesResource> gateways,
                                                     GenericKubernetesResource vs, String ref) {
        int slash = ref.indexOf('/');
        String namespace = slash < 0 ? Kube.namespace(vs) : ref.substring(0, slash);
        String name = slash < 0 ? ref : ref.substring(slash + 1);
        ClusterAddons.Addon addon = ClusterAddons.Addon.ISTIO_GATEWAY;
        return gateways.stream()
                .filter(g -> Kube.namespace(g).equals(namespace) && g.getMetadata().getName().equals(name))
                .filter(g -> Kube.matchesMap(stringMap(map(g.getAdditionalProperties().get("spec")).get("selector")),
                        Map.of(addon.labelKey(), addon.labelValue())))
                .findFirst().orElse(null);
    }

    /** The nginx server names ({@code ""} for any host) for the VirtualService's hosts on this Gateway. */
    private static List<String> servedHosts(GenericKubernetesResource gateway, GenericKubernetesResource vs,
                                            List<String> vsHosts) {
        List<String> result = new ArrayList<>();
        for (Object server : list(map(gateway.getAdditionalProperties().get("spec")).get("servers"))) {
            Map<String, Object> serverMap = map(server);
            String protocol = String.valueOf(map(serverMap.get("port")).getOrDefault("protocol", "HTTP"));
            Object number = map(serverMap.get("port")).get("number");
            if (!"HTTP".equalsIgnoreCase(protocol) || !String.valueOf(SERVICE_PORT).equals(String.valueOf(number))) {
                continue;
            }
            for (String serverHost : strings(serverMap.get("hosts"))) {
                int slash = serverHost.indexOf('/');
                String ns = slash < 0 ? "*" : serverHost.substring(0, slash);
                String pattern = slash < 0 ? serverHost : serverHost.substring(slash + 1);
                if (!"*".equals(ns) && !(".".equals(ns) ? Kube.namespace(gateway) : ns).equals(Kube.namespace(vs))) {
                    continue;
                }
                for (String host : vsHosts) {
                    String served = intersect(pattern, host);
                    if (served != null && !result.contains(served)) {
                        result.add(served);
                    }
                }
            }
        }
        return result;
    }

    /** The more specific of a server host pattern and a VirtualService host when they overlap, else null. */
    private static String intersect(String pattern, String host) {
        if (pattern.equals(host)) {
            return "*".equals(host) ? "" : host;
        }
        if ("*".equals(pattern)) {
            return host;
        }
        if ("*".equals(host)) {
            return pattern;
        }
        if (pattern.startsWith("*.") && host.endsWith(pattern.substring(1))) {
            return host;
        }
        if (host.startsWith("*.") && pattern.endsWith(host.substring(1))) {
            return pattern;
        }
        return null;
    }

    private static List<NginxConfig.Route> routes(GenericKubernetesResource vs, Map<String, Object> spec,
                                                  List<Service> services, NginxConfig.Upstreams upstreams) {
        List<NginxConfig.Route> routes = new ArrayList<>();
        List<Object> http = list(spec.get("http"));
        for (int r = 0; r < http.size(); r++) {
            Map<String, Object> rule = map(http.get(r));
            String where = "VirtualService " + Kube.key(vs) + " http[" + r + "]";
            List<NginxConfig.Backend> backends = new ArrayList<>();
            for (Object destination : list(rule.get("route"))) {
                Map<String, Object> route = map(destination);
                Object weight = route.get("weight");
                backends.add(new NginxConfig.Backend(target(vs, map(route.get("destination")), services, upstreams, where),
                        weight == null ? 1 : ((Number) weight).intValue()));
            }
            List<Object> matches = list(rule.get("match"));
            if (matches.isEmpty()) {
                matches = List.of(Map.of());
            }
            for (Object matchObject : matches) {
                Map<String, Object> match = map(matchObject);
                Map<String, Object> uri = map(match.get("uri"));
                NginxConfig.PathKind kind = NginxConfig.PathKind.STRING_PREFIX;
                String path = "/";
                if (uri.containsKey("exact")) {
                    kind = NginxConfig.PathKind.EXACT;
                    path = String.valueOf(uri.get("exact"));
                } else if (uri.containsKey("prefix")) {
                    path = String.valueOf(uri.get("prefix"));
                } else if (!uri.isEmpty()) {
                    throw new IllegalArgumentException(where + ": uri match " + uri.keySet() + " is not supported by the lab");
                }
                List<NginxConfig.Header> headers = new ArrayList<>();
                for (Map.Entry<String, Object> header : map(match.get("headers")).entrySet()) {
                    Map<String, Object> condition = map(header.getValue());
                    if (!condition.containsKey("exact") || condition.size() != 1) {
                        throw new IllegalArgumentException(where + ": header match " + condition.keySet() + " on "
                                + header.getKey() + " is not supported by the lab");
                    }
                    headers.add(new NginxConfig.Header(header.getKey(), String.valueOf(condition.get("exact"))));
                }
                routes.add(new NginxConfig.Route(kind, path, headers, backends,
                        where + " " + (kind == NginxConfig.PathKind.EXACT ? "exact " : "prefix ") + path
                                + (headers.isEmpty() ? "" : " " + headers)));
            }
        }
        return routes;
    }

    private static String target(GenericKubernetesResource vs, Map<String, Object> destination, List<Service> services,
                                  NginxConfig.Upstreams upstreams, String where) {
        String host = String.valueOf(destination.get("host"));
        if (destination.get("subset") != null) {
            throw new IllegalArgumentException(where + ": destination subsets are not supported by the lab");
        }
        String name = host;
        String namespace = Kube.namespace(vs);
        if (host.endsWith(CLUSTER_SUFFIX)) {
            name = host.substring(0, host.length() - CLUSTER_SUFFIX.length());
        } else if (host.endsWith(".svc")) {
            name = host.substring(0, host.length() - ".svc".length());
        }
        int dot = name.indexOf('.');
        if (dot >= 0) {
            namespace = name.substring(dot + 1);
            name = name.substring(0, dot);
        }
        Service service = NginxConfig.service(services, namespace, name);
        Object number = map(destination.get("port")).get("number");
        ServicePort port = service == null ? null
                : NginxConfig.servicePort(service, number == null ? null : ((Number) number).intValue(), null);
        return port == null ? "@503" : upstreams.upstream(service, port);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Map<String, String> stringMap(Object value) {
        Map<String, String> result = new TreeMap<>();
        map(value).forEach((k, v) -> result.put(k, String.valueOf(v)));
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }
}

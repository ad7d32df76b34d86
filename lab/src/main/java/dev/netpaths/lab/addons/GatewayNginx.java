package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import dev.netpaths.lab.api.Kube;

/**
 * A Gateway API implementation (standing in for Envoy Gateway) for the Gateways whose GatewayClass has
 * {@code spec.controllerName} {@value #CONTROLLER_NAME} (read from the GatewayClass objects: a Gateway of
 * a missing class or another controller's class is not served and gets no status, as on a cluster). HTTPRoutes attach through {@code parentRefs} (Gateway, optional {@code sectionName} and
 * {@code port}) to HTTP listeners whose {@code allowedRoutes} admit them (namespaces {@code Same} by default,
 * {@code All}, or {@code Selector} on the route namespace's labels; kinds HTTPRoute), on the intersection of the route's and the listener's hostnames (exact and
 * {@code *.} wildcards). Matches: PathPrefix (element-wise) and Exact paths, Exact header matches; a rule
 * without matches is PathPrefix {@code /}. Precedence as the spec orders it: Exact path before prefix, longer
 * path first, more header matches first, then the older route, then route namespace/name, then rule and match
 * order; more specific hostnames first (nginx's server_name order). Weighted {@code backendRefs} are split per
 * request ({@code split_clients} on {@code $request_id}). Cross-namespace backendRefs need a ReferenceGrant in
 * the target namespace (from HTTPRoute in the route's namespace, to Service of that name or all); a backendRef
 * that is not permitted, not a Service, or names a missing Service/port answers 500 for its share of the
 * traffic, as the spec requires; one without ready endpoints 503; a rule without backendRefs and unmatched
 * requests 404.
 *
 * <p>The proxy listens on every listener port ({@link #listenerPorts}; the runtime gives the proxy Service
 * the same ports, as Envoy Gateway does). Simplified: a route attached to one listener is served on every
 * listener port of the proxy (hostnames still apply); HTTP listeners only (no TLS); no filters; method,
 * query-parameter and RegularExpression matches are rejected with an exception; weights are rounded to 0.01 %.
 */
public final class GatewayNginx {
    /** Envoy Gateway's controller name: the GatewayClasses it serves, and written into route status. */
    public static final String CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";
    private static final String GROUP = "gateway.networking.k8s.io";
    private static final String EPOCH = "1970-01-01T00:00:00Z";

    private GatewayNginx() {
    }

    /** One accepted attachment of a route to a listener, with the hostnames it serves there ("" = any). */
    private record Attachment(HTTPRoute route, Gateway gateway, Listener listener, List<String> hostnames) {
    }

    /** A backendRef resolved: the Service port, or why it is invalid (a Gateway API condition reason). */
    private record Resolution(Service service, ServicePort port, String reason, String message) {
    }

    /** nginx.conf for the Gateways of class {@code netpaths} and the HTTPRoutes attached to them. */
    public static String render(List<GatewayClass> classes, List<Gateway> gateways, List<HTTPRoute> routes,
                                List<ReferenceGrant> grants, List<Namespace> namespaces, List<Service> services,
                                List<EndpointSlice> slices, NginxPaths paths) {
        return render(classes, gateways, routes, grants, namespaces, services, slices, paths, GatewayPolicies.NONE);
    }

    /**
     * As {@link #render(List, List, List, List, List, List, List, NginxPaths)}, with the Envoy Gateway policies
     * ({@link GatewayPolicies}) attached to the routes and their rules.
     */
    public static String render(List<GatewayClass> classes, List<Gateway> gateways, List<HTTPRoute> routes,
                                List<ReferenceGrant> grants, List<Namespace> namespaces, List<Service> services,
                                List<EndpointSlice> slices, NginxPaths paths, GatewayPolicies policies) {
        gateways = ours(classes, gateways);
        NginxConfig.Upstreams upstreams = new NginxConfig.Upstreams(slices);
        record Entry(NginxConfig.Route route, boolean exact, int pathLength, int headers, int routeOrder, int rule,
                     int match) {
        }
        Map<String, Set<Entry>> byHost = new TreeMap<>();
        List<HTTPRoute> ordered = byAge(routes);
        for (int order = 0; order < ordered.size(); order++) {
            HTTPRoute route = ordered.get(order);
            Set<String> hostnames = new LinkedHashSet<>();
            attachments(gateways, route, namespaces).forEach(a -> hostnames.addAll(a.hostnames()));
            if (hostnames.isEmpty()) {
                continue;
            }
            List<HTTPRouteRule> rules = route.getSpec().getRules() == null ? List.of() : route.getSpec().getRules();
            for (int r = 0; r < rules.size(); r++) {
                HTTPRouteRule rule = rules.get(r);
                List<NginxConfig.Backend> backends = new ArrayList<>();
                for (HTTPBackendRef ref : rule.getBackendRefs() == null ? List.<HTTPBackendRef>of() : rule.getBackendRefs()) {
                    Resolution resolution = resolve(route, ref, grants, services);
                    String target = resolution.reason() != null ? "@500" : upstreams.upstream(resolution.service(), resolution.port());
                    backends.add(new NginxConfig.Backend(target, ref.getWeight() == null ? 1 : ref.getWeight()));
                }
                List<HTTPRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
                        ? List.of(new HTTPRouteMatch()) : rule.getMatches();
                for (int m = 0; m < matches.size(); m++) {
                    NginxConfig.Route nginxRoute = route(route, r, matches.get(m), backends,
                            policies.forRule(Kube.key(route), rule.getName()));
                    Entry entry = new Entry(nginxRoute, nginxRoute.kind() == NginxConfig.PathKind.EXACT,
                            nginxRoute.path().length(), nginxRoute.headers().size(), order, r, m);
                    for (String host : hostnames) {
                        byHost.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(entry);
                    }
                }
            }
        }
        Map<String, List<NginxConfig.Route>> servers = new TreeMap<>();
        byHost.forEach((host, entries) -> servers.put(host, entries.stream()
                .sorted(Comparator.comparing((Entry e) -> !e.exact())
                        .thenComparing(e -> -e.pathLength())
                        .thenComparing(e -> -e.headers())
                        .thenComparingInt(Entry::routeOrder)
                        .thenComparingInt(Entry::rule)
                        .thenComparingInt(Entry::match))
                .map(Entry::route)
                .toList()));
        return NginxConfig.render(paths, "Envoy Gateway stand-in, controller " + CONTROLLER_NAME, upstreams, servers,
                NginxConfig.ENVOY_PROXY_HEADERS);
    }

    private static NginxConfig.Route route(HTTPRoute route, int rule, HTTPRouteMatch match,
                                           List<NginxConfig.Backend> backends, GatewayPolicies.RulePolicies policies) {
        String where = "HTTPRoute " + Kube.key(route) + " rules[" + rule + "]";
        if (match.getMethod() != null || match.getQueryParams() != null && !match.getQueryParams().isEmpty()) {
            throw new IllegalArgumentException(where + ": method and query parameter matches are not supported by the lab");
        }
        String type = match.getPath() == null || match.getPath().getType() == null ? "PathPrefix" : match.getPath().getType();
        String value = match.getPath() == null || match.getPath().getValue() == null ? "/" : match.getPath().getValue();
        NginxConfig.PathKind kind = switch (type) {
            case "PathPrefix" -> NginxConfig.PathKind.PREFIX;
            case "Exact" -> NginxConfig.PathKind.EXACT;
            default -> throw new IllegalArgumentException(where + ": path match type " + type + " is not supported by the lab");
        };
        List<NginxConfig.Header> headers = new ArrayList<>();
        for (HTTPHeaderMatch header : match.getHeaders() == null ? List.<HTTPHeaderMatch>of() : match.getHeaders()) {
            if (header.getType() != null && !"Exact".equals(header.getType())) {
                throw new IllegalArgumentException(where + ": header match type " + header.getType()
                        + " is not supported by the lab");
            }
            headers.add(new NginxConfig.Header(header.getName(), header.getValue()));
        }
        return new NginxConfig.Route(kind, value, headers, backends, where + " " + type + " " + value
                + (headers.isEmpty() ? "" : " " + headers)
                + (policies.apiKeys() == null ? "" : ", API key (" + policies.apiKeys().policy() + ")")
                + (policies.rateLimit() == null ? "" : ", rate limit " + policies.rateLimit().requests() + "/"
                + policies.rateLimit().unit() + " (" + policies.rateLimit().policy() + ")"),
                policies.apiKeys(), policies.rateLimit());
    }

    /** The Gateways whose GatewayClass names Envoy Gateway's controller. */
    private static List<Gateway> ours(List<GatewayClass> classes, List<Gateway> gateways) {
        return gateways.stream().filter(g -> g.getSpec() != null && classes.stream().anyMatch(c ->
                c.getMetadata().getName().equals(g.getSpec().getGatewayClassName()) && c.getSpec() != null
                        && CONTROLLER_NAME.equals(c.getSpec().getControllerName()))).toList();
    }

    /** The distinct HTTP listener ports of the served Gateways, ascending: the proxy Service's ports. */
    public static List<Integer> listenerPorts(List<GatewayClass> classes, List<Gateway> gateways) {
        return ours(classes, gateways).stream().flatMap(g -> g.getSpec().getListeners().stream())
                .filter(l -> "HTTP".equals(l.getProtocol()) && l.getPort() != null)
                .map(Listener::getPort).distinct().sorted().toList();
    }

    private static <T extends HasMetadata> List<T> byAge(List<T> objects) {
        return objects.stream().sorted(Comparator.comparing((T o) -> o.getMetadata().getCreationTimestamp() == null ? ""
                : o.getMetadata().getCreationTimestamp()).thenComparing(Kube::key)).toList();
    }

    /** The accepted attachments of {@code route} to listeners of {@code gateways}. */
    private static List<Attachment> attachments(List<Gateway> gateways, HTTPRoute route, List<Namespace> namespaces) {
        List<Attachment> attachments = new ArrayList<>();
        for (ParentReference parent : parentRefs(route)) {
            Gateway gateway = parentGateway(gateways, route, parent);
            if (gateway != null) {
                for (Listener listener : gateway.getSpec().getListeners()) {
                    List<String> hostnames = listenerHostnames(gateway, listener, route, parent, namespaces);
                    if (!hostnames.isEmpty()) {
                        attachments.add(new Attachment(route, gateway, listener, hostnames));
                    }
                }
            }
        }
        return attachments;
    }

    private static List<ParentReference> parentRefs(HTTPRoute route) {
        return route.getSpec() == null || route.getSpec().getParentRefs() == null ? List.of() : route.getSpec().getParentRefs();
    }

    private static Gateway parentGateway(List<Gateway> gateways, HTTPRoute route, ParentReference parent) {
        if (!GROUP.equals(parent.getGroup() == null ? GROUP : parent.getGroup())
                || !"Gateway".equals(parent.getKind() == null ? "Gateway" : parent.getKind())) {
            return null;
        }
        String namespace = parent.getNamespace() == null ? Kube.namespace(route) : parent.getNamespace();
        return gateways.stream().filter(g -> Kube.namespace(g).equals(namespace)
                && g.getMetadata().getName().equals(parent.getName())).findFirst().orElse(null);
    }

    /** The hostnames the route serves on this listener, or empty when the listener does not take the route. */
    private static List<String> listenerHostnames(Gateway gateway, Listener listener, HTTPRoute route, ParentReference parent,
                                                  List<Namespace> namespaces) {
        if (parent.getSectionName() != null && !parent.getSectionName().equals(listener.getName())
                || parent.getPort() != null && !parent.getPort().equals(listener.getPort())
                || !"HTTP".equals(listener.getProtocol()) || !allows(gateway, listener, route, namespaces)) {
            return List.of();
        }
        String listenerHost = listener.getHostname();
        List<String> routeHosts = route.getSpec().getHostnames() == null ? List.of() : route.getSpec().getHostnames();
        if (routeHosts.isEmpty()) {
            return List.of(listenerHost == null ? "" : listenerHost);
        }
        if (listenerHost == null) {
            return routeHosts;
        }
        List<String> result = new ArrayList<>();
        for (String host : routeHosts) {
            if (host.equals(listenerHost) || wildcardMatches(listenerHost, host)) {
                result.add(host);
            } else if (wildcardMatches(host, listenerHost)) {
                result.add(listenerHost);
            }
        }
        return result;
    }

    /** Whether {@code pattern} (possibly {@code *.suffix}) matches {@code host} (exact or more specific wildcard). */
    private static boolean wildcardMatches(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        String suffix = pattern.substring(1);
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return name.endsWith(suffix) && name.length() > suffix.length();
    }

    private static boolean allows(Gateway gateway, Listener listener, HTTPRoute route, List<Namespace> namespaces) {
        var allowed = listener.getAllowedRoutes();
        if (allowed != null && allowed.getKinds() != null && !allowed.getKinds().isEmpty()
                && allowed.getKinds().stream().noneMatch(k -> "HTTPRoute".equals(k.getKind())
                && GROUP.equals(k.getGroup() == null ? GROUP : k.getGroup()))) {
            return false;
        }
        String from = allowed == null || allowed.getNamespaces() == null || allowed.getNamespaces().getFrom() == null
                ? "Same" : allowed.getNamespaces().getFrom();
        return switch (from) {
            case "All" -> true;
            case "Same" -> Kube.namespace(gateway).equals(Kube.namespace(route));
            // the route's Namespace labels (kubernetes.io/metadata.name included) against the listener's selector
            case "Selector" -> namespaces.stream().filter(n -> n.getMetadata().getName().equals(Kube.namespace(route)))
                    .anyMatch(n -> Kube.matches(allowed.getNamespaces().getSelector(), Kube.labels(n), Kube.ref(gateway)));
            default -> throw new IllegalArgumentException(Kube.ref(gateway) + " listener " + listener.getName()
                    + ": allowedRoutes.namespaces.from " + from + " is not All, Same or Selector");
        };
    }

    private static Resolution resolve(HTTPRoute route, HTTPBackendRef ref, List<ReferenceGrant> grants,
                                      List<Service> services) {
        String group = ref.getGroup() == null ? "" : ref.getGroup();
        String kind = ref.getKind() == null ? "Service" : ref.getKind();
        String namespace = ref.getNamespace() == null ? Kube.namespace(route) : ref.getNamespace();
        String what = kind + " " + namespace + "/" + ref.getName();
        if (!group.isEmpty() || !"Service".equals(kind)) {
            return new Resolution(null, null, "InvalidKind", what + " is not a core Service");
        }
        if (!namespace.equals(Kube.namespace(route)) && !granted(route, namespace, ref.getName(), grants)) {
            return new Resolution(null, null, "RefNotPermitted", what + " is in another namespace and no ReferenceGrant allows it");
        }
        Service service = NginxConfig.service(services, namespace, ref.getName());
        ServicePort port = service == null || ref.getPort() == null ? null : NginxConfig.servicePort(service, ref.getPort(), null);
        if (port == null) {
            return new Resolution(null, null, "BackendNotFound", what + (service == null ? " does not exist"
                    : " has no port " + ref.getPort()));
        }
        return new Resolution(service, port, null, null);
    }

    private static boolean granted(HTTPRoute route, String namespace, String name, List<ReferenceGrant> grants) {
        return grants.stream()
                .filter(g -> Kube.namespace(g).equals(namespace) && g.getSpec() != null)
                .anyMatch(g -> g.getSpec().getFrom().stream().anyMatch(f -> GROUP.equals(f.getGroup())
                        && "HTTPRoute".equals(f.getKind()) && Kube.namespace(route).equals(f.getNamespace()))
                        && g.getSpec().getTo().stream().anyMatch(t -> (t.getGroup() == null || t.getGroup().isEmpty())
                        && "Service".equals(t.getKind()) && (t.getName() == null || t.getName().isEmpty()
                        || t.getName().equals(name))));
    }

    /**
     * Writes the status a Gateway API controller would, in place: each Gateway of class {@code netpaths} gets
     * {@code status.addresses = [address]} (IPAddress), conditions Accepted and Programmed True and per HTTP
     * listener {@code attachedRoutes}, supported kinds and conditions Accepted/Programmed/ResolvedRefs; each
     * HTTPRoute gets, per parentRef to such a Gateway, Accepted (True, or False with NotAllowedByListeners /
     * NoMatchingListenerHostname) and ResolvedRefs (True, or False with RefNotPermitted / BackendNotFound /
     * InvalidKind, the first failing backendRef), controllerName {@value #CONTROLLER_NAME}. Condition times
     * are the object's creationTimestamp (deterministic output).
     */
    public static void writeStatus(List<GatewayClass> classes, List<Gateway> gateways, List<HTTPRoute> routes,
                                   List<ReferenceGrant> grants, List<Namespace> namespaces, List<Service> services,
                                   String address) {
        List<Gateway> ours = ours(classes, gateways);
        for (GatewayClass gatewayClass : classes) {
            if (gatewayClass.getSpec() != null && CONTROLLER_NAME.equals(gatewayClass.getSpec().getControllerName())) {
                gatewayClass.setStatus(new GatewayClassStatusBuilder().withConditions(condition(gatewayClass, "Accepted", true,
                        "Accepted", "Valid GatewayClass")).build());
            }
        }
        for (HTTPRoute route : routes) {
            List<RouteParentStatus> parents = new ArrayList<>();
            for (ParentReference parent : parentRefs(route)) {
                Gateway gateway = parentGateway(ours, route, parent);
                if (gateway == null) {
                    continue;
                }
                boolean accepted = gateway.getSpec().getListeners().stream()
                        .anyMatch(l -> !listenerHostnames(gateway, l, route, parent, namespaces).isEmpty());
                boolean anyAllowed = gateway.getSpec().getListeners().stream()
                        .anyMatch(l -> "HTTP".equals(l.getProtocol()) && allows(gateway, l, route, namespaces));
                Resolution failure = firstFailure(route, grants, services);
                parents.add(new RouteParentStatusBuilder()
                        .withParentRef(parent)
                        .withControllerName(CONTROLLER_NAME)
                        .withConditions(
                                condition(route, "Accepted", accepted, accepted ? "Accepted"
                                        : anyAllowed ? "NoMatchingListenerHostname" : "NotAllowedByListeners",
                                        accepted ? "Route is accepted" : "No listener of the Gateway takes this route"),
                                condition(route, "ResolvedRefs", failure == null,
                                        failure == null ? "ResolvedRefs" : failure.reason(),
                                        failure == null ? "Resolved all the Object references for the Route" : failure.message()))
                        .build());
            }
            if (!parents.isEmpty()) {
                route.setStatus(new HTTPRouteStatusBuilder().withParents(parents).build());
            }
        }
        for (Gateway gateway : ours) {
            List<ListenerStatus> listeners = new ArrayList<>();
            for (Listener listener : gateway.getSpec().getListeners()) {
                boolean http = "HTTP".equals(listener.getProtocol());
                long attached = routes.stream().filter(r -> attachments(List.of(gateway), r, namespaces).stream()
                        .anyMatch(a -> a.listener() == listener)).count();
                listeners.add(new ListenerStatusBuilder()
                        .withName(listener.getName())
                        .withAttachedRoutes((int) attached)
                        .withSupportedKinds(http ? List.of(new RouteGroupKindBuilder().withGroup(GROUP).withKind("HTTPRoute").build())
                                : List.of())
                        .withConditions(
                                condition(gateway, "Accepted", http, http ? "Accepted" : "UnsupportedProtocol",
                                        http ? "Listener is accepted" : "Only HTTP listeners are served by the lab"),
                                condition(gateway, "Programmed", http, http ? "Programmed" : "Invalid",
                                        http ? "Listener is programmed" : "Listener is not programmed"),
                                condition(gateway, "ResolvedRefs", true, "ResolvedRefs", "Listener references are resolved"))
                        .build());
            }
            gateway.setStatus(new GatewayStatusBuilder()
                    .withAddresses(new GatewayStatusAddressBuilder().withType("IPAddress").withValue(address).build())
                    .withConditions(
                            condition(gateway, "Accepted", true, "Accepted", "The Gateway has been scheduled by the lab"),
                            condition(gateway, "Programmed", true, "Programmed", "Address assigned to the Gateway"))
                    .withListeners(listeners)
                    .build());
        }
    }

    private static Resolution firstFailure(HTTPRoute route, List<ReferenceGrant> grants, List<Service> services) {
        for (HTTPRouteRule rule : route.getSpec().getRules() == null ? List.<HTTPRouteRule>of() : route.getSpec().getRules()) {
            for (HTTPBackendRef ref : rule.getBackendRefs() == null ? List.<HTTPBackendRef>of() : rule.getBackendRefs()) {
                Resolution resolution = resolve(route, ref, grants, services);
                if (resolution.reason() != null) {
                    return resolution;
                }
            }
        }
        return null;
    }

    private static Condition condition(HasMetadata owner, String type, boolean status, String reason, String message) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(owner.getMetadata().getGeneration() == null ? 1L : owner.getMetadata().getGeneration())
                .withLastTransitionTime(Objects.requireNonNullElse(owner.getMetadata().getCreationTimestamp(), EPOCH))
                .build();
    }
}

package dev.netpaths.lab.addons;

import dev.netpaths.lab.api.EndpointsController.ReadyEndpoint;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Kube;

/**
 * The nginx.conf the three entry-point stand-ins share: process settings under {@link NginxPaths#prefix()},
 * upstreams straight to ready pod endpoints (as ingress controllers and Envoy do), one server per host plus a
 * default server answering 404, and a routing table per server.
 *
 * <p>Routing: every route is a path match (exact, element-wise prefix, or string prefix), exact header
 * matches and weighted backends, given in the API's precedence order. Each route becomes nginx locations
 * ({@code = /p} for exact, {@code = /p} plus {@code /p/} for an element-wise prefix, {@code /p} for a string
 * prefix); a location lists every route whose path match covers all URIs nginx sends to it, and picks the
 * highest-precedence one whose headers match by setting {@code $np_target} in reverse precedence order
 * (rewrite-module {@code set}/{@code if} only, which are safe inside locations). The target is an upstream,
 * a {@code split_clients} variable on {@code $request_id} (a per-request random key, so the split is a
 * faithful random one) for weighted backends, or a status ({@code @404}, {@code @500}, {@code @503}) returned
 * directly. {@code location /} always exists and answers 404 when nothing matches, so nginx never serves its
 * welcome page.
 */
final class NginxConfig {
    /** Power of two choices by active connections (F5 NGINX IC's default {@code lb-method}, Envoy's least request). */
    static final String RANDOM_TWO_LEAST_CONN = "random two least_conn;";

    /** nginx variable/upstream names allow only these characters. */
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_]");

    /** The request headers Envoy (Envoy Gateway, Istio's ingress gateway) adds for an edge request. */
    static final List<String> ENVOY_PROXY_HEADERS = List.of(
            "proxy_set_header Host $host;",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Request-Id $request_id;",
            "proxy_set_header X-Envoy-External-Address $remote_addr;",
            "proxy_set_header Connection \"\";");

    enum PathKind { EXACT, PREFIX, STRING_PREFIX }

    record Header(String name, String value) {
    }

    /** A backend: an upstream name from {@link Upstreams#upstream}, or a status target such as {@code @500}. */
    record Backend(String target, int weight) {
    }

    /**
     * @param apiKeys   Envoy Gateway apiKeyAuth on this route (null: none): without a known key the answer is 401
     * @param rateLimit Envoy Gateway local rate limit on this route (null: none): past it the answer is 429
     */
    record Route(PathKind kind, String path, List<Header> headers, List<Backend> backends, String comment,
                 GatewayPolicies.ApiKeys apiKeys, GatewayPolicies.RateLimit rateLimit) {
        Route(PathKind kind, String path, List<Header> headers, List<Backend> backends, String comment) {
            this(kind, path, headers, backends, comment, null, null);
        }

        Route {
            if (kind == PathKind.PREFIX) {
                path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            }
        }

        /** Whether every URI nginx sends to {@code location} satisfies this route's path match. */
        boolean covers(Location location) {
            return switch (kind) {
                case EXACT -> location.exact() && location.path().equals(path);
                case PREFIX -> path.equals("/") || location.path().startsWith(path + "/")
                        || location.exact() && location.path().equals(path);
                case STRING_PREFIX -> location.path().startsWith(path);
            };
        }

        List<Location> locations() {
            return switch (kind) {
                case EXACT -> List.of(new Location(true, path));
                case PREFIX -> path.equals("/") ? List.of(new Location(false, "/"))
                        : List.of(new Location(true, path), new Location(false, path + "/"));
                case STRING_PREFIX -> List.of(new Location(false, path));
            };
        }
    }

    record Location(boolean exact, String path) {
        String directive() {
            return "location " + (exact ? "= " : "") + quote(path);
        }
    }

    /** The upstreams of one config, named after Service and port, with their ready endpoints. */
    static final class Upstreams {
        private final Map<String, List<String>> servers = new TreeMap<>();
        private final List<EndpointSlice> slices;
        private final String noEndpoints;
        private final String balancing;

        /**
         * Envoy's upstreams (Envoy Gateway, Istio): 503 without ready endpoints; least request with two random
         * choices, Envoy's LEAST_REQUEST default ({@code choice_count: 2}), as nginx's {@code random two least_conn}.
         */
        Upstreams(List<EndpointSlice> slices) {
            this(slices, "@503", RANDOM_TWO_LEAST_CONN);
        }

        /**
         * @param noEndpoints the status target for a Service without ready endpoints ({@code @502} for F5 NGINX IC)
         * @param balancing   the upstream balancing directive, or "" for nginx's round robin
         */
        Upstreams(List<EndpointSlice> slices, String noEndpoints, String balancing) {
            this.slices = slices;
            this.noEndpoints = noEndpoints;
            this.balancing = balancing;
        }

        String noEndpoints() {
            return noEndpoints;
        }

        /** The upstream for a Service port, or the no-endpoints status when it has no ready endpoint. */
        String upstream(Service service, ServicePort port) {
            List<ReadyEndpoint> endpoints = EndpointsController.readyEndpoints(service, port, slices);
            if (endpoints.isEmpty()) {
                return noEndpoints;
            }
            // dots cannot occur in namespace or Service names, so the name is unique (and reads like a host)
            String name = "np." + Kube.namespace(service) + "." + service.getMetadata().getName() + "." + port.getPort();
            servers.put(name, endpoints.stream().map(ReadyEndpoint::address).toList());
            return name;
        }
    }

    private NginxConfig() {
    }

    static String safe(String text) {
        return UNSAFE.matcher(text).replaceAll("_");
    }

    /** A double-quoted nginx string. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The service port a backend reference names: by number, else by name, else the only port. */
    static ServicePort servicePort(Service service, Integer number, String name) {
        List<ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
        for (ServicePort port : ports) {
            if (number != null && number.equals(port.getPort()) || name != null && name.equals(port.getName())) {
                return port;
            }
        }
        return number == null && name == null && ports.size() == 1 ? ports.get(0) : null;
    }

    /** The Service {@code ns/name}, or null. */
    static Service service(List<Service> services, String namespace, String name) {
        return services.stream().filter(s -> Kube.namespace(s).equals(namespace)
                && Objects.equals(s.getMetadata().getName(), name)).findFirst().orElse(null);
    }

    /**
     * The whole nginx.conf.
     *
     * @param servers       host (exact or {@code *.} wildcard; {@code ""} for routes on any host, served by the
     *                      default server only) to its routes, highest precedence first
     * @param proxyHeaders  {@code proxy_set_header} directives of the controller being stood in
     */
    static String render(NginxPaths paths, String comment, Upstreams upstreams, Map<String, List<Route>> servers,
                         List<String> proxyHeaders) {
        String prefix = paths.prefix().endsWith("/") ? paths.prefix().substring(0, paths.prefix().length() - 1) : paths.prefix();
        StringBuilder out = new StringBuilder();
        out.append("# ").append(comment).append(" (generated by the netpaths lab)\n");
        out.append("daemon off;\nuser root;\nworker_processes 1;\n");
        out.append("pid ").append(prefix).append("/nginx.pid;\n");
        out.append("error_log ").append(prefix).append("/error.log notice;\n");
        out.append("events {\n    worker_connections 1024;\n}\n");
        out.append("http {\n");
        out.append("    access_log ").append(prefix).append("/access.log;\n");
        for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            out.append("    ").append(temp).append("_temp_path ").append(prefix).append("/").append(temp).append("_temp;\n");
        }
        out.append("    default_type application/octet-stream;\n");
        out.append("    server_names_hash_bucket_size 128;\n");
        out.append("    proxy_http_version 1.1;\n");
        proxyHeaders.forEach(h -> out.append("    ").append(h).append("\n"));
        for (Map.Entry<String, List<String>> upstream : upstreams.servers.entrySet()) {
            out.append("    upstream ").append(upstream.getKey()).append(" {\n");
            if (!upstreams.balancing.isEmpty()) {
                out.append("        ").append(upstreams.balancing).append("\n");
            }
            // max_fails=0: no passive ejection, as ingress-nginx's default and Envoy without outlier detection
            upstream.getValue().forEach(server -> out.append("        server ").append(server).append(" max_fails=0;\n"));
            out.append("    }\n");
        }
        Map<List<Backend>, String> splits = new LinkedHashMap<>();
        Policies policies = new Policies(servers);
        policies.render(out);
        StringBuilder serverText = new StringBuilder();
        List<Route> catchAll = servers.getOrDefault("", List.of());
        serverText.append("    server {\n");
        paths.listenPorts().forEach(port -> serverText.append("        listen ").append(port).append(" default_server;\n"));
        serverText.append("        server_name _;\n");
        locations(serverText, catchAll, splits, policies);
        serverText.append("    }\n");
        for (Map.Entry<String, List<Route>> server : servers.entrySet()) {
            if (server.getKey().isEmpty()) {
                continue;
            }
            serverText.append("    server {\n");
            paths.listenPorts().forEach(port -> serverText.append("        listen ").append(port).append(";\n"));
            serverText.append("        server_name ").append(server.getKey()).append(";\n");
            // only the host's own routes: nginx and Envoy pick the virtual host first, with no fallback to "*"
            locations(serverText, server.getValue(), splits, policies);
            serverText.append("    }\n");
        }
        for (Map.Entry<List<Backend>, String> split : splits.entrySet()) {
            out.append("    split_clients \"${request_id}\" $").append(split.getValue()).append(" {\n");
            List<Backend> backends = split.getKey();
            int total = backends.stream().mapToInt(Backend::weight).sum();
            for (int i = 0; i < backends.size(); i++) {
                String share = i == backends.size() - 1 ? "*"
                        : String.format(Locale.ROOT, "%.2f%%", 100.0 * backends.get(i).weight() / total);
                out.append("        ").append(share).append(" ").append(quote(backends.get(i).target())).append(";\n");
            }
            out.append("    }\n");
        }
        out.append(serverText);
        out.append("}\n");
        return out.toString();
    }

    /**
     * The http-level part of the routes' Envoy Gateway policies. API keys: a {@code map} from the key header to 1 for
     * every accepted key, as is and after {@code "Bearer "} (Envoy's api_key_auth strips that prefix from a header),
     * else 0; a route that needs a key and gets 0 answers 401 (rewrite phase, before anything is forwarded). Rate
     * limits: a {@code limit_req_zone} per policy keyed by a {@code map} of {@code $np_limit}, which the winning route
     * sets to its zone's name (nginx does not count a request whose key is empty, so only that route's requests count);
     * {@code limit_req ... burst=N-1 nodelay} admits N at once, then one per unit/N, and answers 429 past that.
     */
    private static final class Policies {
        private final Map<GatewayPolicies.ApiKeys, String> keyVariables = new LinkedHashMap<>();
        private final Map<GatewayPolicies.RateLimit, String> zones = new LinkedHashMap<>();

        Policies(Map<String, List<Route>> servers) {
            servers.values().stream().flatMap(List::stream).forEach(r -> {
                if (r.apiKeys() != null) {
                    keyVariables.computeIfAbsent(r.apiKeys(), k -> "np_key_" + keyVariables.size());
                }
                if (r.rateLimit() != null) {
                    zones.computeIfAbsent(r.rateLimit(), l -> "np_limit_" + zones.size());
                }
            });
        }

        void render(StringBuilder out) {
            keyVariables.forEach((keys, variable) -> {
                out.append("    # API keys of ").append(keys.policy()).append(" (apiKeyAuth, header ").append(keys.header())
                        .append(")\n    map $http_").append(safe(keys.header().toLowerCase(Locale.ROOT))).append(" $")
                        .append(variable).append(" {\n");
                keys.keys().values().stream().distinct().forEach(key -> {
                    out.append("        ").append(mapKey(key)).append(" 1;\n");
                    out.append("        ").append(mapKey("Bearer " + key)).append(" 1;\n");
                });
                out.append("        default 0;\n    }\n");
            });
            if (!zones.isEmpty()) {
                out.append("    limit_req_status 429;\n");
            }
            zones.forEach((limit, zone) -> out.append("    # local rate limit of ").append(limit.policy()).append("\n")
                    .append("    map $np_limit $").append(zone).append(" {\n        ").append(zone)
                    .append(" $server_name;\n        default \"\";\n    }\n")
                    .append("    limit_req_zone $").append(zone).append(" zone=").append(zone).append(":1m rate=")
                    .append(limit.requests()).append("r/").append(limit.unit()).append(";\n"));
        }

        /** A map source string: quoted, with a leading "~" or "\\" escaped (they would start a regex). */
        private static String mapKey(String key) {
            return quote(key.startsWith("~") || key.startsWith("\\") ? "\\" + key : key);
        }

        String zone(Route route) {
            return route.rateLimit() == null ? "" : zones.get(route.rateLimit());
        }
    }

    private static void locations(StringBuilder out, List<Route> routes, Map<List<Backend>, String> splits,
                                  Policies policies) {
        TreeMap<String, Location> locations = new TreeMap<>();
        for (Route route : routes) {
            route.locations().forEach(l -> locations.putIfAbsent((l.exact() ? "=" : "~") + l.path(), l));
        }
        locations.putIfAbsent("~/", new Location(false, "/"));
        for (Location location : locations.values()) {
            List<Route> candidates = routes.stream().filter(r -> r.covers(location)).toList();
            out.append("        ").append(location.directive()).append(" {\n");
            // lowest precedence first, so the highest-precedence matching route sets $np_target last
            int start = candidates.size() - 1;
            for (int i = 0; i < candidates.size(); i++) {
                if (candidates.get(i).headers().isEmpty()) {
                    start = i; // unconditional: routes below it can never win
                    break;
                }
            }
            out.append("            set $np_target \"@404\";\n");
            List<String> limits = candidates.stream().map(policies::zone).filter(z -> !z.isEmpty()).distinct().toList();
            if (!limits.isEmpty()) {
                out.append("            set $np_limit \"\";\n");
            }
            TreeSet<String> statuses = new TreeSet<>(List.of("@404"));
            for (int i = Math.min(start, candidates.size() - 1); i >= 0; i--) {
                Route route = candidates.get(i);
                route.backends().stream().map(Backend::target).filter(t -> t.startsWith("@")).forEach(statuses::add);
                if (!route.backends().isEmpty() && route.backends().stream().allMatch(b -> b.weight() <= 0)) {
                    statuses.add("@500");
                }
                String target = target(route.backends(), splits);
                String limit = limits.isEmpty() ? "" : "set $np_limit " + quote(policies.zone(route)) + ";";
                out.append("            # ").append(route.comment()).append("\n");
                String keyVariable = route.apiKeys() == null ? null : policies.keyVariables.get(route.apiKeys());
                if (keyVariable != null) {
                    statuses.add("@401");
                }
                if (route.headers().isEmpty()) {
                    out.append("            set $np_target ").append(target).append(";\n");
                    if (!limit.isEmpty()) {
                        out.append("            ").append(limit).append("\n");
                    }
                    if (keyVariable != null) {
                        out.append("            if ($").append(keyVariable).append(" = 0) {\n")
                                .append("                set $np_target \"@401\";\n            }\n");
                    }
                    continue;
                }
                out.append("            set $np_match 1;\n");
                for (Header header : route.headers()) {
                    out.append("            if ($http_").append(safe(header.name().toLowerCase(Locale.ROOT)))
                            .append(" != ").append(quote(header.value())).append(") {\n")
                            .append("                set $np_match 0;\n            }\n");
                }
                out.append("            if ($np_match) {\n                set $np_target ").append(target)
                        .append(";\n").append(limit.isEmpty() ? "" : "                " + limit + "\n")
                        .append("            }\n");
                if (keyVariable != null) {
                    // no nested if in nginx: the match and the key check meet in one variable
                    out.append("            set $np_gate \"${np_match}${").append(keyVariable).append("}\";\n")
                            .append("            if ($np_gate = \"10\") {\n                set $np_target \"@401\";\n")
                            .append("            }\n");
                }
            }
            for (String zone : limits) {
                GatewayPolicies.RateLimit rate = policies.zones.entrySet().stream().filter(e -> e.getValue().equals(zone))
                        .findFirst().orElseThrow().getKey();
                out.append("            limit_req zone=").append(zone).append(" burst=").append(rate.requests() - 1)
                        .append(" nodelay;\n");
            }
            for (String status : statuses) {
                out.append("            if ($np_target = \"").append(status).append("\") {\n                return ")
                        .append(status.substring(1))
                        // Envoy's api_key_auth local reply (envoyproxy/envoy source/extensions/filters/http/api_key_auth)
                        .append(status.equals("@401") ? " \"Client authentication failed.\"" : "")
                        .append(";\n            }\n");
            }
            out.append("            proxy_pass http://$np_target;\n");
            out.append("        }\n");
        }
    }

    /** The value for {@code set $np_target}: a quoted upstream/status, or the split variable. */
    private static String target(List<Backend> backends, Map<List<Backend>, String> splits) {
        if (backends.isEmpty()) {
            return quote("@404"); // a rule that forwards nowhere (Gateway API: 404)
        }
        List<Backend> weighted = backends.stream().filter(b -> b.weight() > 0).toList();
        if (weighted.isEmpty()) {
            return quote("@500"); // every backend has weight 0: no backend may serve
        }
        if (weighted.stream().map(Backend::target).distinct().count() == 1) {
            return quote(weighted.get(0).target());
        }
        return "$" + splits.computeIfAbsent(weighted, k -> "np_split_" + splits.size());
    }
}

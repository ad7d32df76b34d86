package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The objects and the entry-point route table of docs/architecture.md, as data: what must exist, with the
 * replicas, Service types, ports and policies the document names, and for each routing API exactly the
 * routes of its table column. {@link #cluster()} runs on a rendered overlay, {@link #entryPoints()} on
 * gateway-config/.
 */
public final class ArchitectureCheck {

    static final List<String> OBJECTS = List.of("Namespace netpaths", "Namespace netpaths-other",
            "Deployment netpaths/echo", "Deployment netpaths/echo-v2", "DaemonSet netpaths/caller",
            "Deployment netpaths/sidecar-demo", "Service netpaths/caller", "Service netpaths/echo", "Service netpaths/echo-v2",
            "Service netpaths/echo-headless", "Service netpaths/echo-nodeport", "Service netpaths/echo-local",
            "Service netpaths/echo-sticky", "Service netpaths/echo-lb", "Service netpaths/echo-other", "Service netpaths/sidecar-demo",
            "Deployment netpaths-other/echo", "Service netpaths-other/echo", "Deployment netpaths-other/echo-restricted",
            "Service netpaths-other/echo-restricted", "Deployment netpaths-other/caller-trusted",
            "NetworkPolicy netpaths-other/deny-all", "NetworkPolicy netpaths-other/echo",
            "NetworkPolicy netpaths-other/echo-restricted", "NetworkPolicy netpaths-other/caller-trusted");

    static final Map<String, Integer> REPLICAS = Map.of("Deployment netpaths/echo", 2, "Deployment netpaths/echo-v2", 1,
            "Deployment netpaths/sidecar-demo", 1, "Deployment netpaths-other/echo", 2,
            "Deployment netpaths-other/echo-restricted", 1, "Deployment netpaths-other/caller-trusted", 1);

    /** Service → "type policy port/protocol→target(:nodePort) ..." as docs/architecture.md describes it. */
    static final Map<String, String> SERVICES = Map.ofEntries(
            Map.entry("Service netpaths/echo", "ClusterIP v1 http 8080/TCP→http udp 5005/UDP→udp"),
            Map.entry("Service netpaths/echo-v2", "ClusterIP v2 http 8080/TCP→http udp 5005/UDP→udp"),
            Map.entry("Service netpaths/echo-headless", "ClusterIP(None) v1 http 8080/TCP→http udp 5005/UDP→udp"),
            Map.entry("Service netpaths/echo-nodeport", "NodePort(Cluster) v1 http 8080/TCP→http:30080 udp 5005/UDP→udp:30081"),
            Map.entry("Service netpaths/echo-local", "NodePort(Local) v1 http 8080/TCP→http:30090"),
            Map.entry("Service netpaths/echo-sticky", "ClusterIP(ClientIP) v1 http 8080/TCP→http"),
            Map.entry("Service netpaths/echo-lb", "LoadBalancer(Cluster) v1 http 80/TCP→http"),
            Map.entry("Service netpaths/echo-other", "ExternalName(echo.netpaths-other.svc.cluster.local)"),
            Map.entry("Service netpaths/sidecar-demo", "ClusterIP v1 http 8080/TCP→http"),
            Map.entry("Service netpaths/caller", "ClusterIP v1 http 8080/TCP→http"),
            Map.entry("Service netpaths-other/echo", "ClusterIP v1 http 8080/TCP→http udp 5005/UDP→udp"));

    /** Each routing object → its routes, "match → backends", exactly the column of the entry-point table. */
    static final Map<String, Set<String>> ROUTES = Map.of(
            "Ingress netpaths/echo", Set.of(
                    "nginx ingress.netpaths.test Prefix /v1 → netpaths/echo:http",
                    "nginx ingress.netpaths.test Prefix /v2 → netpaths/echo-v2:http"),
            "HTTPRoute netpaths/echo", Set.of(
                    "gateway.netpaths.test PathPrefix /v1 → netpaths/echo:8080",
                    "gateway.netpaths.test PathPrefix /v2 → netpaths/echo-v2:8080",
                    "gateway.netpaths.test header x-netpaths-version=v2 → netpaths/echo-v2:8080",
                    "gateway.netpaths.test PathPrefix /split → netpaths/echo:8080*80 netpaths/echo-v2:8080*20",
                    "gateway.netpaths.test PathPrefix /other → netpaths-other/echo:8080",
                    "gateway.netpaths.test PathPrefix /other-denied → netpaths-other/echo-restricted:8080",
                    "gateway.netpaths.test PathPrefix /keyed → netpaths/echo:8080",
                    "gateway.netpaths.test PathPrefix /limited → netpaths/echo:8080"),
            "VirtualService netpaths/echo", Set.of(
                    "istio.netpaths.test uri exact /v1 | uri prefix /v1/ → netpaths/echo:8080",
                    "istio.netpaths.test uri exact /v2 | uri prefix /v2/ → netpaths/echo-v2:8080",
                    "istio.netpaths.test uri exact /split | uri prefix /split/ → netpaths/echo:8080*80 netpaths/echo-v2:8080*20",
                    "istio.netpaths.test uri exact /other | uri prefix /other/ → netpaths-other/echo:8080",
                    "istio.netpaths.test header x-netpaths-version=v2 → netpaths/echo-v2:8080"));

    private ArchitectureCheck() {
    }

    /** For a rendered overlay: objects, replicas, Services, caller, sidecar, spread, NetworkPolicies. */
    public static Check cluster() {
        return manifests -> {
            List<String> findings = new ArrayList<>();
            Map<String, Manifest> byId = manifests.stream()
                    .collect(Collectors.toMap(Manifest::id, Function.identity(), (a, b) -> a));
            for (String id : OBJECTS) {
                if (!byId.containsKey(id)) {
                    findings.add("docs/architecture.md: " + id + " is missing from the rendered manifests");
                }
            }
            REPLICAS.forEach((id, replicas) -> {
                Manifest m = byId.get(id);
                if (m != null && m.spec().path("replicas").asInt(1) != replicas) {
                    findings.add(m.finding("spec.replicas", "is " + m.spec().path("replicas").asInt(1)
                            + ", docs/architecture.md says " + replicas));
                }
            });
            SERVICES.forEach((id, expected) -> {
                Manifest m = byId.get(id);
                if (m != null && !service(m).equals(expected)) {
                    findings.add(m.finding("spec", "is '" + service(m) + "', docs/architecture.md says '" + expected + "'"));
                }
            });
            caller(byId.get("DaemonSet netpaths/caller"), findings);
            trusted(manifests, byId.get("DaemonSet netpaths/caller"), byId.get(TRUSTED_PROBER), findings);
            sidecar(byId.get("Deployment netpaths/sidecar-demo"), findings);
            for (String id : List.of("Deployment netpaths/echo", "Deployment netpaths-other/echo")) {
                Manifest m = byId.get(id);
                if (m != null && !spreadOverNodes(m.spec().path("template").path("spec"))) {
                    findings.add(m.finding("spec.template.spec.topologySpreadConstraints",
                            "must spread the pods over kubernetes.io/hostname"));
                }
            }
            Manifest denyAll = byId.get("NetworkPolicy netpaths-other/deny-all");
            if (denyAll != null && (!denyAll.spec().path("podSelector").isEmpty()
                    || !denyAll.spec().path("policyTypes").toString().contains("Ingress") || denyAll.spec().has("ingress"))) {
                findings.add(denyAll.finding("spec", "must select every pod and allow no ingress"));
            }
            return findings;
        };
    }

    /** For gateway-config/: every routing object routes exactly the table of docs/architecture.md. */
    public static Check entryPoints() {
        return manifests -> {
            List<String> findings = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (Manifest m : manifests) {
                Set<String> expected = ROUTES.get(m.id());
                Set<String> actual = routes(m);
                if (actual == null) {
                    continue;
                }
                seen.add(m.id());
                if (expected == null) {
                    findings.add(m.describe() + ": a routing object docs/architecture.md does not list");
                    continue;
                }
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(actual);
                Set<String> extra = new TreeSet<>(actual);
                extra.removeAll(expected);
                for (String route : missing) {
                    findings.add(m.finding("routes", "missing route '" + route + "' (docs/architecture.md)"));
                }
                for (String route : extra) {
                    findings.add(m.finding("routes", "route '" + route + "' is not in docs/architecture.md"));
                }
            }
            for (String id : ROUTES.keySet()) {
                if (!seen.contains(id)) {
                    findings.add("gateway-config/: " + id + " is missing (docs/architecture.md entry points)");
                }
            }
            return findings;
        };
    }

    static String service(Manifest m) {
        JsonNode spec = m.spec();
        String type = spec.path("type").asText("ClusterIP");
        if (type.equals("ExternalName")) {
            return "ExternalName(" + spec.path("externalName").asText() + ")";
        }
        StringBuilder s = new StringBuilder(type);
        if (spec.path("clusterIP").asText().equals("None")) {
            s.append("(None)");
        }
        if (!type.equals("ClusterIP")) {
            s.append('(').append(spec.path("externalTrafficPolicy").asText("Cluster")).append(')');
        }
        if (spec.path("sessionAffinity").asText("None").equals("ClientIP")) {
            s.append("(ClientIP)");
        }
        s.append(' ').append(spec.path("selector").path("version").asText("-"));
        for (JsonNode p : spec.path("ports")) {
            s.append(' ').append(p.path("name").asText("-")).append(' ').append(p.path("port").asInt())
                    .append('/').append(p.path("protocol").asText("TCP")).append('→').append(p.path("targetPort").asText());
            if (p.has("nodePort")) {
                s.append(':').append(p.get("nodePort").asInt());
            }
        }
        return s.toString();
    }

    private static void caller(Manifest m, List<String> findings) {
        if (m == null) {
            return;
        }
        boolean tolerates = false;
        for (JsonNode t : m.spec().path("template").path("spec").path("tolerations")) {
            tolerates |= t.path("key").asText().equals("node-role.kubernetes.io/control-plane")
                    && (t.path("operator").asText().equals("Exists") || t.path("effect").asText().equals("NoSchedule"));
        }
        if (!tolerates) {
            findings.add(m.finding("spec.template.spec.tolerations", "must tolerate node-role.kubernetes.io/control-plane"));
        }
    }

    /** The one workload echo-restricted's policy admits: the positive control of the harness's truth table. */
    static final String TRUSTED_PROBER = "Deployment netpaths-other/caller-trusted";
    static final String TRUSTED_LABEL = "netpaths.dev/trusted";

    /**
     * The trusted prober is a caller (its pod spec's containers and security context are the caller DaemonSet's:
     * the harness commands it as a caller) and carries the trusted label; no other pod template carries it, or
     * echo-restricted would admit that workload too.
     */
    private static void trusted(List<Manifest> manifests, Manifest caller, Manifest prober, List<String> findings) {
        for (PodTemplate t : PodTemplate.all(manifests)) {
            boolean labelled = "true".equals(t.labels().get(TRUSTED_LABEL));
            boolean isProber = t.owner().id().equals(TRUSTED_PROBER);
            if (labelled != isProber) {
                findings.add(t.owner().finding((t.path().isEmpty() ? "" : t.path() + ".") + "metadata.labels",
                        isProber ? "must carry " + TRUSTED_LABEL + ": \"true\" (the one source echo-restricted admits)"
                                : "carries " + TRUSTED_LABEL + ": only " + TRUSTED_PROBER + " may (echo-restricted admits it)"));
            }
        }
        if (caller == null || prober == null) {
            return;
        }
        JsonNode callerSpec = caller.spec().path("template").path("spec");
        JsonNode proberSpec = prober.spec().path("template").path("spec");
        for (String field : List.of("containers", "securityContext", "volumes")) {
            if (!callerSpec.path(field).equals(proberSpec.path(field))) {
                findings.add(prober.finding("spec.template.spec." + field, "differs from " + caller.id()
                        + "'s: the trusted prober is a caller, commanded as one (change both together)"));
            }
        }
    }

    private static void sidecar(Manifest m, List<String> findings) {
        if (m == null) {
            return;
        }
        JsonNode spec = m.spec().path("template").path("spec");
        JsonNode sidecar = null;
        for (JsonNode c : spec.path("initContainers")) {
            if (c.path("name").asText().equals("sidecar")) {
                sidecar = c;
            }
        }
        String field = "spec.template.spec.initContainers[sidecar]";
        if (sidecar == null || !sidecar.path("restartPolicy").asText().equals("Always")) {
            findings.add(m.finding(field, "a native sidecar (initContainer sidecar, restartPolicy Always) is required"));
            return;
        }
        Map<String, String> sidecarEnv = Map.of("NETPATHS_SIDECAR_ROLE", "sidecar", "NETPATHS_SIDECAR_LISTEN",
                "127.0.0.1:9090");
        for (Map.Entry<String, String> e : sidecarEnv.entrySet()) {
            if (!e.getValue().equals(envValue(sidecar, e.getKey()))) {
                findings.add(m.finding(field + ".env[" + e.getKey() + "]", "must be " + e.getValue()));
            }
        }
        for (JsonNode c : spec.path("containers")) {
            if (c.path("name").asText().equals("app") && !"app".equals(envValue(c, "NETPATHS_SIDECAR_ROLE"))) {
                findings.add(m.finding("spec.template.spec.containers[app].env[NETPATHS_SIDECAR_ROLE]", "must be app"));
            }
        }
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText(null);
            }
        }
        return null;
    }

    private static boolean spreadOverNodes(JsonNode podSpec) {
        for (JsonNode c : podSpec.path("topologySpreadConstraints")) {
            if (c.path("topologyKey").asText().equals("kubernetes.io/hostname")) {
                return true;
            }
        }
        return podSpec.path("affinity").path("podAntiAffinity").toString().contains("kubernetes.io/hostname");
    }

    /** The routes of a routing object as "match → backends" strings, or null for other kinds. */
    static Set<String> routes(Manifest m) {
        Set<String> out = new TreeSet<>();
        if (m.is("networking.k8s.io", "Ingress")) {
            String cls = m.spec().path("ingressClassName").asText("-");
            for (JsonNode rule : m.spec().path("rules")) {
                for (JsonNode p : rule.path("http").path("paths")) {
                    JsonNode svc = p.path("backend").path("service");
                    String port = svc.path("port").has("name") ? svc.path("port").path("name").asText()
                            : svc.path("port").path("number").asText();
                    out.add(cls + " " + rule.path("host").asText("*") + " " + p.path("pathType").asText() + " "
                            + p.path("path").asText() + " → " + m.namespace() + "/" + svc.path("name").asText() + ":" + port);
                }
            }
            return out;
        }
        if (m.is("gateway.networking.k8s.io", "HTTPRoute")) {
            String hosts = join(m.spec().path("hostnames"));
            for (JsonNode rule : m.spec().path("rules")) {
                List<String> matches = new ArrayList<>();
                for (JsonNode match : rule.path("matches")) {
                    List<String> parts = new ArrayList<>();
                    if (match.has("path")) {
                        parts.add(match.path("path").path("type").asText("PathPrefix") + " " + match.path("path").path("value").asText());
                    }
                    for (JsonNode h : match.path("headers")) {
                        parts.add("header " + h.path("name").asText() + "=" + h.path("value").asText());
                    }
                    matches.add(String.join(" ", parts));
                }
                List<String> backends = new ArrayList<>();
                boolean weighted = rule.path("backendRefs").size() > 1;
                for (JsonNode b : rule.path("backendRefs")) {
                    backends.add(b.path("namespace").asText(m.namespace()) + "/" + b.path("name").asText() + ":"
                            + b.path("port").asText() + (weighted ? "*" + b.path("weight").asInt(1) : ""));
                }
                out.add(hosts + " " + String.join(" | ", matches) + " → " + String.join(" ", backends));
            }
            return out;
        }
        if (m.is("networking.istio.io", "VirtualService")) {
            String hosts = join(m.spec().path("hosts"));
            for (JsonNode http : m.spec().path("http")) {
                List<String> matches = new ArrayList<>();
                for (JsonNode match : http.path("match")) {
                    List<String> parts = new ArrayList<>();
                    match.path("uri").fields().forEachRemaining(e -> parts.add("uri " + e.getKey() + " " + e.getValue().asText()));
                    match.path("headers").fields().forEachRemaining(e -> parts.add("header " + e.getKey() + "="
                            + e.getValue().path("exact").asText(e.getValue().toString())));
                    matches.add(String.join(" ", parts));
                }
                List<String> backends = new ArrayList<>();
                boolean weighted = http.path("route").size() > 1;
                for (JsonNode r : http.path("route")) {
                    String[] host = r.path("destination").path("host").asText().split("\\.");
                    backends.add((host.length > 1 ? host[1] : m.namespace()) + "/" + host[0] + ":"
                            + r.path("destination").path("port").path("number").asText()
                            + (weighted ? "*" + r.path("weight").asInt(0) : ""));
                }
                out.add(hosts + " " + String.join(" | ", matches) + " → " + String.join(" ", backends));
            }
            return out;
        }
        return null;
    }

    private static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(n -> items.add(n.asText()));
        return items.isEmpty() ? "*" : String.join(",", items);
    }
}

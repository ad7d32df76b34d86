package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * docs/architecture.md's tables, held to the manifests: the document owns the facts (which workloads, Services and
 * NetworkPolicies exist, their replicas, types, selectors, ports, and the entry-point routes), this class owns only
 * how a table's words read and how a rendered object is said in them. The tables come in as rows (the tests read
 * them with test-support's MarkdownTable; see {@link #WORKLOAD_COLUMNS} and the other column lists); a row that
 * cannot be read is a finding, never an exception. {@link #cluster} runs on a rendered overlay,
 * {@link #routeTable} on gateway-config/.
 */
public final class ArchitectureCheck {

    static final String DOC = "docs/architecture.md";
    public static final List<String> WORKLOAD_COLUMNS = List.of("Namespace", "Workload", "Version", "Replicas", "What it is for");
    public static final List<String> SERVICE_COLUMNS = List.of("Namespace", "Service", "Type", "Selects", "Ports", "What it is for");
    public static final List<String> POLICY_COLUMNS = List.of("Namespace", "NetworkPolicy", "Selects", "Direction", "Allows");
    public static final List<String> ROUTE_COLUMNS = List.of("Match", "Backend", "Ingress `ingress.netpaths.test`",
            "Gateway API `gateway.netpaths.test`", "Istio `istio.netpaths.test`");

    /** The kinds the tables list in full: a rendered object of one of these kinds that no table names is a finding. */
    static final Set<String> LISTED_KINDS = Set.of("Deployment", "DaemonSet", "StatefulSet", "Service", "NetworkPolicy");

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private ArchitectureCheck() {
    }

    /**
     * For a rendered overlay: every row of the workload, Service and NetworkPolicy tables is an object with exactly
     * the row's cells; every rendered object of {@link #LISTED_KINDS} is a row; the tables' namespaces are the
     * rendered Namespaces. On top, the rules no table states: the trusted prober and the native sidecar.
     */
    public static Check cluster(List<List<String>> workloads, List<List<String>> services, List<List<String>> policies) {
        return manifests -> {
            List<String> findings = new ArrayList<>();
            Map<String, Manifest> byId = manifests.stream()
                    .collect(Collectors.toMap(Manifest::id, Function.identity(), (a, b) -> a));
            Set<String> listed = new TreeSet<>();
            Set<String> namespaces = new TreeSet<>();
            rows(workloads, WORKLOAD_COLUMNS, "Workload", findings, (row, where) -> {
                String[] kindName = row.get(1).strip().split("\\s+", 2);
                List<String> name = code(row.get(1));
                if (name.size() != 1 || !kindName[0].matches("[A-Z]\\w+")) {
                    return where + "cannot read '" + row.get(1) + "' (expected Kind `name`)";
                }
                String id = kindName[0] + " " + row.get(0) + "/" + name.get(0);
                namespaces.add(row.get(0));
                listed.add(id);
                Manifest m = byId.get(id);
                if (m == null) {
                    return DOC + ": " + id + " is missing from the rendered manifests";
                }
                compare(m, "spec.template.metadata.labels.version", version(m), row.get(2), findings);
                compare(m, m.kind().equals("DaemonSet") ? "spec.template.spec.tolerations" : "spec.replicas, topologySpreadConstraints",
                        replicas(m), row.get(3), findings);
                return null;
            });
            rows(services, SERVICE_COLUMNS, "Service", findings, (row, where) -> {
                List<String> name = code(row.get(1));
                if (name.size() != 1) {
                    return where + "cannot read '" + row.get(1) + "' (expected `name`)";
                }
                String id = "Service " + row.get(0) + "/" + name.get(0);
                namespaces.add(row.get(0));
                listed.add(id);
                Manifest m = byId.get(id);
                if (m == null) {
                    return DOC + ": " + id + " is missing from the rendered manifests";
                }
                compare(m, "spec.type", serviceType(m), row.get(2), findings);
                compare(m, "spec.selector", selects(m.spec().path("selector")), row.get(3), findings);
                compare(m, "spec.ports", ports(m), row.get(4), findings);
                return null;
            });
            rows(policies, POLICY_COLUMNS, "NetworkPolicy", findings, (row, where) -> {
                List<String> name = code(row.get(1));
                if (name.size() != 1) {
                    return where + "cannot read '" + row.get(1) + "' (expected `name`)";
                }
                String id = "NetworkPolicy " + row.get(0) + "/" + name.get(0);
                namespaces.add(row.get(0));
                listed.add(id);
                Manifest m = byId.get(id);
                if (m == null) {
                    return DOC + ": " + id + " is missing from the rendered manifests";
                }
                JsonNode selector = m.spec().path("podSelector");
                compare(m, "spec.podSelector", selector.isEmpty() ? "every pod" : selects(selector.path("matchLabels")), row.get(2), findings);
                List<String> types = new ArrayList<>();
                m.spec().path("policyTypes").forEach(t -> types.add(t.asText()));
                compare(m, "spec.policyTypes", String.join(" and ", types), row.get(3), findings);
                boolean allowsNothing = types.stream().allMatch(t -> m.spec().path(t.toLowerCase(Locale.ROOT)).isEmpty());
                boolean saysNothing = prose(row.get(4)).equals("nothing");
                if (allowsNothing != saysNothing) {
                    findings.add(m.finding("spec." + String.join("/", types).toLowerCase(Locale.ROOT), allowsNothing
                            ? "allows nothing, " + DOC + " says '" + row.get(4) + "'"
                            : "has rules, " + DOC + " says it allows nothing"));
                }
                return null;
            });
            for (Manifest m : manifests) {
                if (LISTED_KINDS.contains(m.kind()) && !listed.contains(m.id())) {
                    findings.add(m.describe() + ": not in " + DOC + "'s tables (add a row, or remove the object)");
                }
            }
            Set<String> rendered = manifests.stream().filter(m -> m.kind().equals("Namespace")).map(Manifest::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!rendered.equals(namespaces)) {
                findings.add(DOC + ": the tables' namespaces are " + namespaces + ", the rendered Namespaces " + rendered);
            }
            trusted(manifests, byId.get("DaemonSet netpaths/caller"), byId.get(TRUSTED_PROBER), findings);
            sidecar(byId.get("Deployment netpaths/sidecar-demo"), findings);
            return findings;
        };
    }

    /** Reads each row of one table: a row of the wrong width is a finding; {@code read} returns a finding or null. */
    private static void rows(List<List<String>> table, List<String> columns, String what, List<String> findings,
                             java.util.function.BiFunction<List<String>, String, String> read) {
        if (table.isEmpty()) {
            findings.add(DOC + ": the " + what + " table (" + String.join(" | ", columns) + ") has no rows");
        }
        for (List<String> row : table) {
            String where = DOC + ": " + what + " row '" + String.join(" | ", row) + "': ";
            String finding = row.size() != columns.size() ? where + "has " + row.size() + " cells, the table " + columns.size()
                    : read.apply(row, where);
            if (finding != null) {
                findings.add(finding);
            }
        }
    }

    /** The rendered object in the table's words against the cell (its parenthesised prose dropped). */
    private static void compare(Manifest m, String field, String actual, String cell, List<String> findings) {
        if (!actual.equals(prose(cell))) {
            findings.add(m.finding(field, "is '" + actual + "', " + DOC + " says '" + prose(cell) + "'"));
        }
    }

    /** A cell without its parenthesised prose and doubled spaces: "`http` 8080/TCP (the `app` container)" → "`http` 8080/TCP". */
    static String prose(String cell) {
        return cell.replaceAll("\\s*\\([^)]*\\)", "").replaceAll("\\s+", " ").strip();
    }

    private static List<String> code(String cell) {
        List<String> spans = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            spans.add(m.group(1));
        }
        return spans;
    }

    private static String version(Manifest m) {
        return m.spec().path("template").path("metadata").path("labels").path("version").asText("-");
    }

    /** "2", "2, spread over nodes"; a DaemonSet: "one per node", "one per node, control plane included". */
    static String replicas(Manifest m) {
        JsonNode podSpec = m.spec().path("template").path("spec");
        if (m.kind().equals("DaemonSet")) {
            return "one per node" + (toleratesControlPlane(podSpec) ? ", control plane included" : "");
        }
        return m.spec().path("replicas").asInt(1) + (spreadOverNodes(podSpec) ? ", spread over nodes" : "");
    }

    /** "ClusterIP", "ClusterIP, `clusterIP: None`", "NodePort, `externalTrafficPolicy: Local`", "ExternalName `host`". */
    static String serviceType(Manifest m) {
        JsonNode spec = m.spec();
        String type = spec.path("type").asText("ClusterIP");
        if (type.equals("ExternalName")) {
            return "ExternalName `" + spec.path("externalName").asText() + "`";
        }
        StringBuilder s = new StringBuilder(type);
        if (spec.path("clusterIP").asText().equals("None")) {
            s.append(", `clusterIP: None`");
        }
        if (!type.equals("ClusterIP")) {
            s.append(", `externalTrafficPolicy: ").append(spec.path("externalTrafficPolicy").asText("Cluster")).append('`');
        }
        if (spec.path("sessionAffinity").asText("None").equals("ClientIP")) {
            s.append(", `sessionAffinity: ClientIP`");
        }
        return s.toString();
    }

    /** A selector in the table's words: "`echo-service` v1" (app.kubernetes.io/name, version), other labels as `k: v`; "-" for none. */
    static String selects(JsonNode labels) {
        if (labels.isMissingNode() || labels.isEmpty()) {
            return "-";
        }
        List<String> words = new ArrayList<>();
        if (labels.has("app.kubernetes.io/name")) {
            words.add("`" + labels.path("app.kubernetes.io/name").asText() + "`");
        }
        if (labels.has("version")) {
            words.add(labels.path("version").asText());
        }
        labels.fields().forEachRemaining(e -> {
            if (!Set.of("app.kubernetes.io/name", "version", "app.kubernetes.io/part-of").contains(e.getKey())) {
                words.add("`" + e.getKey() + ": " + e.getValue().asText() + "`");
            }
        });
        return String.join(" ", words);
    }

    /** "`http` 8080/TCP, `udp` 5005/UDP node port 30081"; a targetPort other than the port's name is "→ `target`"; "-" for none. */
    static String ports(Manifest m) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : m.spec().path("ports")) {
            String name = p.path("name").asText("-");
            StringBuilder s = new StringBuilder("`" + name + "` " + p.path("port").asInt() + "/" + p.path("protocol").asText("TCP"));
            if (p.has("nodePort")) {
                s.append(" node port ").append(p.get("nodePort").asInt());
            }
            if (!p.path("targetPort").asText(name).equals(name)) {
                s.append(" → `").append(p.path("targetPort").asText()).append('`');
            }
            out.add(s.toString());
        }
        return out.isEmpty() ? "-" : String.join(", ", out);
    }

    private static boolean toleratesControlPlane(JsonNode podSpec) {
        for (JsonNode t : podSpec.path("tolerations")) {
            if (t.path("key").asText().equals("node-role.kubernetes.io/control-plane")
                    && (t.path("operator").asText().equals("Exists") || t.path("effect").asText().equals("NoSchedule"))) {
                return true;
            }
        }
        return false;
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

    /** A table column's API (its header's first words) → the kind of the routing object that answers for it. */
    private static final Map<String, String> API_KINDS = Map.of("Ingress", "Ingress", "Gateway API", "HTTPRoute", "Istio", "VirtualService");

    /**
     * A route table (docs/architecture.md's entry points, gateway-config/README.md's): columns Match, Backend, then one
     * per API ("Ingress", "Gateway API", "Istio", optionally with the host in a code span). Each API's routing objects
     * route exactly the rows that say "yes" or a status code other than 404 in its column, to the row's Backend;
     * "anything else" is a 404 everywhere.
     */
    public static Check routeTable(String where, List<String> columns, List<List<String>> rows) {
        return manifests -> routeTableProblems(columns, rows, manifests).stream().map(p -> where + ": " + p).toList();
    }

    private static List<String> routeTableProblems(List<String> columns, List<List<String>> rows, List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        if (columns.size() < 3 || !columns.subList(0, 2).equals(List.of("Match", "Backend"))) {
            return List.of("columns " + columns + ": expected Match, Backend, then one per API");
        }
        for (int col = 2; col < columns.size(); col++) {
            String header = columns.get(col);
            String api = header.replaceAll("\\s*`.*", "");
            String kind = API_KINDS.get(api);
            if (kind == null) {
                problems.add("column " + header + ": not one of " + API_KINDS.keySet());
                continue;
            }
            Map<String, String> routes = new TreeMap<>();
            Set<String> hosts = new TreeSet<>();
            manifests.stream().filter(m -> m.kind().equals(kind)).forEach(m -> tableRoutes(m, routes, hosts));
            List<String> host = code(header);
            if (!host.isEmpty() && !hosts.equals(Set.of(host.get(0)))) {
                problems.add(api + ": the header says host " + host.get(0) + ", the " + kind + " serves " + hosts);
            }
            Set<String> inTable = new TreeSet<>();
            for (List<String> row : rows) {
                if (row.size() != columns.size()) {
                    problems.add("row '" + String.join(" | ", row) + "' has " + row.size() + " cells, the table " + columns.size());
                    continue;
                }
                String match = row.get(0).replace("`", "");
                String cell = row.get(col);
                boolean routed = cell.startsWith("yes") || (cell.matches("^\\d{3}\\b.*") && !cell.startsWith("404"));
                if (match.equals("anything else")) {
                    if (!cell.equals("404")) {
                        problems.add(api + ": anything else is a 404 on every API, the table says '" + cell + "'");
                    }
                    continue;
                }
                inTable.add(match);
                if (!routed && !(cell.startsWith("-") || cell.startsWith("404"))) {
                    problems.add(api + ": " + match + ": cannot read '" + cell + "' (yes, a status code, - or 404)");
                } else if (routed && !routes.containsKey(match)) {
                    problems.add(api + ": the table says " + match + " is routed; gateway-config/ has no such route");
                } else if (routed && !routes.get(match).equals(tableBackends(row.get(1)))) {
                    problems.add(api + ": " + match + " goes to " + routes.get(match) + ", the table says " + tableBackends(row.get(1)));
                } else if (!routed && routes.containsKey(match)) {
                    problems.add(api + ": the table says " + match + " is not routed; gateway-config/ routes it to " + routes.get(match));
                }
            }
            routes.forEach((match, backends) -> {
                if (!inTable.contains(match)) {
                    problems.add(api + ": routes " + match + " → " + backends + ", which the table lacks");
                }
            });
        }
        return problems;
    }

    /** A routing object's routes in the table's words: "path prefix /v1" → "netpaths/echo" (weighted: "netpaths/echo*80 ..."). */
    private static void tableRoutes(Manifest m, Map<String, String> routes, Set<String> hosts) {
        if (m.kind().equals("Ingress")) {
            for (JsonNode rule : m.spec().path("rules")) {
                hosts.add(rule.path("host").asText("*"));
                for (JsonNode p : rule.path("http").path("paths")) {
                    String type = p.path("pathType").asText().equals("Prefix") ? "path prefix " : "path " + p.path("pathType").asText() + " ";
                    routes.put(type + p.path("path").asText(), m.namespace() + "/" + p.path("backend").path("service").path("name").asText());
                }
            }
        } else if (m.kind().equals("HTTPRoute")) {
            m.spec().path("hostnames").forEach(h -> hosts.add(h.asText()));
            for (JsonNode rule : m.spec().path("rules")) {
                List<String> backends = new ArrayList<>();
                for (JsonNode b : rule.path("backendRefs")) {
                    backends.add(b.path("namespace").asText(m.namespace()) + "/" + b.path("name").asText()
                            + (rule.path("backendRefs").size() > 1 ? "*" + b.path("weight").asInt(1) : ""));
                }
                for (JsonNode match : rule.path("matches")) {
                    List<String> parts = new ArrayList<>();
                    if (match.has("path")) {
                        String type = match.path("path").path("type").asText("PathPrefix");
                        parts.add((type.equals("PathPrefix") ? "path prefix " : "path " + type + " ") + match.path("path").path("value").asText());
                    }
                    match.path("headers").forEach(h -> parts.add("header " + h.path("name").asText() + ": " + h.path("value").asText()));
                    routes.put(String.join(" and ", parts), String.join(" ", backends));
                }
            }
        } else if (m.kind().equals("VirtualService")) {
            m.spec().path("hosts").forEach(h -> hosts.add(h.asText()));
            for (JsonNode http : m.spec().path("http")) {
                List<String> backends = new ArrayList<>();
                for (JsonNode r : http.path("route")) {
                    String[] host = r.path("destination").path("host").asText().split("\\.");
                    backends.add((host.length > 1 ? host[1] : m.namespace()) + "/" + host[0]
                            + (http.path("route").size() > 1 ? "*" + r.path("weight").asInt(0) : ""));
                }
                Set<String> exact = new TreeSet<>();
                Set<String> prefix = new TreeSet<>();
                List<String> matches = new ArrayList<>();
                for (JsonNode match : http.path("match")) {
                    if (match.path("uri").has("exact")) {
                        exact.add(match.path("uri").path("exact").asText());
                    } else if (match.path("uri").has("prefix")) {
                        prefix.add(match.path("uri").path("prefix").asText());
                    }
                    match.path("headers").fields().forEachRemaining(h -> matches.add("header " + h.getKey() + ": "
                            + h.getValue().path("exact").asText(h.getValue().toString())));
                }
                // Istio spells a whole-element path prefix /p as exact /p + prefix /p/ (README.md says so)
                for (String p : exact) {
                    matches.add(prefix.remove(p + "/") ? "path prefix " + p : "path exact " + p);
                }
                prefix.forEach(p -> matches.add("uri prefix " + p));
                matches.forEach(match -> routes.put(match, String.join(" ", backends)));
            }
        }
    }

    /** A Backend cell in the same words: "netpaths/echo", "echo 80 / echo-v2 20" (namespace netpaths); "(...)" and ", ..." are prose. */
    private static String tableBackends(String cell) {
        String text = cell.replaceAll("\\([^)]*\\)", "").replaceAll(",.*", "").strip();
        List<String> out = new ArrayList<>();
        String[] pieces = text.split(" / ");
        for (String piece : pieces) {
            Matcher weighted = Pattern.compile("^([\\w-]+) (\\d+)$").matcher(piece.strip());
            out.add(weighted.matches() ? "netpaths/" + weighted.group(1) + "*" + weighted.group(2) : piece.strip());
        }
        return String.join(" ", out);
    }
}

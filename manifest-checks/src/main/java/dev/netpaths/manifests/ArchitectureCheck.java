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
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * docs/architecture.md's tables, held to the manifests: the document owns the facts (which workloads, Services and
 * NetworkPolicies exist, their replicas, types, selectors, ports, the containers' ports, and the entry-point routes), this class owns only
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
    public static final List<String> PORT_COLUMNS = List.of("Workload", "Port", "Name", "Notes");
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
     * rendered Namespaces; the Ports table is the netpaths containers' ports and the Services' node ports
     * ({@link #portsTable}). On top, the rules no table states: the trusted prober and the native sidecar.
     */
    public static Check cluster(List<List<String>> workloads, List<List<String>> services, List<List<String>> policies,
                                List<List<String>> ports) {
        return manifests -> {
            Listing listing = new Listing(manifests);
            List<String> findings = listing.findings;
            listing.rows(workloads, WORKLOAD_COLUMNS, "Workload", null, (row, m) -> {
                compare(m, "spec.template.metadata.labels.version", version(m), row.get(2), findings);
                compare(m, m.kind().equals("DaemonSet") ? "spec.template.spec.tolerations" : "spec.replicas, topologySpreadConstraints",
                        replicas(m), row.get(3), findings);
            });
            listing.rows(services, SERVICE_COLUMNS, "Service", "Service", (row, m) -> {
                compare(m, "spec.type", serviceType(m), row.get(2), findings);
                compare(m, "spec.selector", selects(m.spec().path("selector")), row.get(3), findings);
                compare(m, "spec.ports", ports(m), row.get(4), findings);
            });
            listing.rows(policies, POLICY_COLUMNS, "NetworkPolicy", "NetworkPolicy", (row, m) -> {
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
            });
            for (Manifest m : manifests) {
                if (LISTED_KINDS.contains(m.kind()) && !listing.listed.contains(m.id())) {
                    findings.add(m.describe() + ": not in " + DOC + "'s tables (add a row, or remove the object)");
                }
            }
            Set<String> rendered = manifests.stream().filter(m -> m.kind().equals("Namespace")).map(Manifest::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!rendered.equals(listing.namespaces)) {
                findings.add(DOC + ": the tables' namespaces are " + listing.namespaces + ", the rendered Namespaces " + rendered);
            }
            portsTable(ports, manifests, findings);
            trusted(manifests, listing.byId.get("DaemonSet netpaths/caller"), listing.byId.get(TRUSTED_PROBER), findings);
            sidecar(listing.byId.get("Deployment netpaths/sidecar-demo"), findings);
            return findings;
        };
    }

    /** The rendered objects by id, and what the tables' rows have named of them so far. */
    private static final class Listing {
        final Map<String, Manifest> byId;
        final List<String> findings = new ArrayList<>();
        final Set<String> listed = new TreeSet<>();
        final Set<String> namespaces = new TreeSet<>();

        Listing(List<Manifest> manifests) {
            byId = manifests.stream().collect(Collectors.toMap(Manifest::id, Function.identity(), (a, b) -> a));
        }

        /**
         * Each row of one table names an object in its first two cells: the namespace, then "`name`" (of {@code kind})
         * or, where {@code kind} is null, "Kind `name`". A name that cannot be read or an object that is not rendered
         * is a finding; otherwise {@code compare} holds the rest of the row to the object.
         */
        void rows(List<List<String>> table, List<String> columns, String what, String kind, BiConsumer<List<String>, Manifest> compare) {
            ArchitectureCheck.rows(table, columns, what, findings, (row, where) -> {
                String[] words = row.get(1).strip().split("\\s+", 2);
                List<String> name = code(row.get(1));
                String rowKind = kind != null ? kind : words[0];
                if (name.size() != 1 || (kind == null && !rowKind.matches("[A-Z]\\w+"))) {
                    return where + "cannot read '" + row.get(1) + "' (expected " + (kind == null ? "Kind `name`" : "`name`") + ")";
                }
                String id = rowKind + " " + row.get(0) + "/" + name.get(0);
                namespaces.add(row.get(0));
                listed.add(id);
                Manifest m = byId.get(id);
                if (m == null) {
                    return DOC + ": " + id + " is missing from the rendered manifests";
                }
                compare.accept(row, m);
                return null;
            });
        }
    }

    /** Reads each row of one table: a row of the wrong width is a finding; {@code read} returns a finding or null. */
    private static void rows(List<List<String>> table, List<String> columns, String what, List<String> findings,
                             BiFunction<List<String>, String, String> read) {
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

    /** A Ports row's Port cell: "8080/TCP", "9090/TCP on 127.0.0.1" (a listen address only), "30080/TCP node port". */
    private static final Pattern PORT_CELL = Pattern.compile("(\\d+)/(TCP|UDP)(?: on (\\S+)| (node port))?");

    /**
     * The Ports table, both ways. A row names the containers of one netpaths image ("echo-service": every container
     * `app` of image netpaths/echo-service, in every workload; "sidecar-demo `sidecar`": its container `sidecar`),
     * or a Service ("Service `echo-nodeport`"). An image row's port is the containers' port of the row's Name, with
     * that number and protocol; a port "on ADDRESS" with no Name is one the container does not declare and listens
     * on where its env says (an env value ADDRESS:PORT). A Service row's port is the node port of its port of that
     * Name. Every port a netpaths container declares, and every node port, is a row.
     */
    static void portsTable(List<List<String>> table, List<Manifest> manifests, List<String> findings) {
        Map<String, String> declared = new TreeMap<>();
        for (PodTemplate t : PodTemplate.all(manifests)) {
            for (PodTemplate.ContainerRef c : t.containers()) {
                String image = netpathsImage(c);
                if (image == null) {
                    continue;
                }
                c.node().path("ports").forEach(p -> declared.putIfAbsent(image + " `" + c.name() + "` `" + p.path("name").asText() + "`",
                        t.owner().describe() + ": " + c.field() + " port `" + p.path("name").asText() + "` " + portText(p, "containerPort")));
            }
        }
        for (Manifest m : manifests) {
            if (m.kind().equals("Service")) {
                m.spec().path("ports").forEach(p -> {
                    if (p.has("nodePort")) {
                        declared.put("Service `" + m.name() + "` `" + p.path("name").asText() + "`",
                                m.describe() + ": spec.ports[" + p.path("name").asText() + "] node port " + portText(p, "nodePort"));
                    }
                });
            }
        }
        Set<String> listed = new TreeSet<>();
        rows(table, PORT_COLUMNS, "Ports", findings, (row, where) -> {
            Matcher port = PORT_CELL.matcher(prose(row.get(1)));
            List<String> workload = code(row.get(0));
            boolean service = row.get(0).startsWith("Service ");
            String name = prose(row.get(2)).replace("`", "");
            if (!port.matches() || (service ? workload.size() != 1 || port.group(4) == null : workload.size() > 1 || port.group(4) != null)
                    || name.isEmpty() != (port.group(3) != null)) {
                return where + "cannot read it (expected Workload 'image' or 'image `container`' with Port 'N/PROTO' and a Name,"
                        + " or 'N/PROTO on ADDRESS' and none; or 'Service `name`' with 'N/PROTO node port' and a Name)";
            }
            String expected = port.group(1) + "/" + port.group(2);
            if (service) {
                listed.add("Service `" + workload.get(0) + "` `" + name + "`");
                return servicePortProblem(where, manifests, workload.get(0), name, expected);
            }
            String image = row.get(0).replaceAll("`.*", "").strip();
            String container = workload.isEmpty() ? "app" : workload.get(0);
            listed.add(image + " `" + container + "` `" + name + "`");
            return containerPortProblem(where, manifests, image, container, name, expected, port.group(3));
        });
        declared.forEach((key, what) -> {
            if (!listed.contains(key)) {
                findings.add(what + ": not in " + DOC + "'s Ports table (add a row)");
            }
        });
    }

    /** The service name of a container's netpaths image ("echo-service" for netpaths/echo-service:0.1.0); null for another image. */
    private static String netpathsImage(PodTemplate.ContainerRef c) {
        Matcher m = Pattern.compile("^netpaths/([\\w-]+):").matcher(c.node().path("image").asText());
        return m.find() ? m.group(1) : null;
    }

    private static String portText(JsonNode port, String number) {
        return port.path(number).asText() + "/" + port.path("protocol").asText("TCP");
    }

    /**
     * Every container {@code container} of image netpaths/{@code image} declares port {@code name} as {@code expected}
     * or, with an address, declares none and has the env value address:port; what differs, with the workloads it
     * differs in ("port `http` is 8081/TCP in Deployment netpaths/echo, ...").
     */
    private static String containerPortProblem(String where, List<Manifest> manifests, String image, String container, String name,
                                               String expected, String address) {
        String listen = address == null ? null : address + ":" + expected.replaceAll("/.*", "");
        Map<String, List<String>> differs = new TreeMap<>();
        int found = 0;
        for (PodTemplate t : PodTemplate.all(manifests)) {
            for (PodTemplate.ContainerRef c : t.containers()) {
                if (!c.name().equals(container) || !image.equals(netpathsImage(c))) {
                    continue;
                }
                found++;
                String actual;
                if (listen != null) {
                    boolean listens = false;
                    for (JsonNode env : c.node().path("env")) {
                        listens |= env.path("value").asText().equals(listen);
                    }
                    actual = !c.node().path("ports").isEmpty() ? "it declares ports, the row says none"
                            : listens ? null : "no env value is " + listen + " (where it listens)";
                } else {
                    actual = "port `" + name + "` is none";
                    for (JsonNode p : c.node().path("ports")) {
                        if (p.path("name").asText().equals(name)) {
                            actual = portText(p, "containerPort").equals(expected) ? null
                                    : "port `" + name + "` is " + portText(p, "containerPort");
                        }
                    }
                }
                if (actual != null) {
                    differs.computeIfAbsent(actual, a -> new ArrayList<>()).add(t.owner().id());
                }
            }
        }
        if (found == 0) {
            return where + "no rendered workload has a container " + container + " of image netpaths/" + image;
        }
        return differs.isEmpty() ? null : where + differs.entrySet().stream()
                .map(e -> "container " + container + ": " + e.getKey() + " in " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; "));
    }

    private static String servicePortProblem(String where, List<Manifest> manifests, String service, String name, String expected) {
        List<Manifest> named = manifests.stream().filter(m -> m.kind().equals("Service") && m.name().equals(service)).toList();
        if (named.isEmpty()) {
            return where + "no Service " + service + " is rendered";
        }
        List<String> problems = new ArrayList<>();
        for (Manifest m : named) {
            String actual = "none";
            for (JsonNode p : m.spec().path("ports")) {
                if (p.path("name").asText().equals(name) && p.has("nodePort")) {
                    actual = portText(p, "nodePort");
                }
            }
            if (!actual.equals(expected)) {
                problems.add(m.id() + " port `" + name + "` has node port " + actual);
            }
        }
        return problems.isEmpty() ? null : where + String.join("; ", problems);
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

package dev.netpaths.manifests;

import dev.netpaths.testsupport.MarkdownTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tables in manifest-checks/README.md and k8s/README.md name what exists, all of it, and nothing else;
 * sidecar-demo/README.md's "What the manifest must set" is what its Deployment sets; the route tables of
 * gateway-config/README.md and docs/architecture.md are what gateway-config/'s routing objects route.
 */
class ReadmeTablesTest {

    private static final Path ROOT = Fixtures.LAYOUT.root();
    private static final Path SOURCES = ROOT.resolve("manifest-checks/src/main/java/dev/netpaths/manifests");

    @Test
    void theCrossCheckTableNamesEveryCheckClassAndEachRowSaysHowItWasProvenAbleToFail() {
        List<List<String>> rows = MarkdownTable.after(read(ROOT.resolve("manifest-checks/README.md")), "## Cross-checks");
        Set<String> named = new TreeSet<>();
        for (List<String> row : rows) {
            Matcher name = Pattern.compile("^`(\\w+)").matcher(row.get(0));
            if (name.find()) {
                named.add(name.group(1));
                String cls = name.group(1);
                assertTrue(Files.isRegularFile(SOURCES.resolve(cls + ".java"))
                                || Files.isRegularFile(ROOT.resolve("manifest-checks/src/test/java/dev/netpaths/manifests/" + cls + ".java")),
                        "the table names " + cls + ", which does not exist");
            }
            if (!row.get(0).equals("headers")) {
                assertFalse(row.get(2).isBlank() || row.get(2).equals("-"), row.get(0) + ": proven able to fail by what?");
            }
        }
        Set<String> checks = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            files.filter(f -> read(f).contains("implements Check"))
                    .forEach(f -> checks.add(f.getFileName().toString().replace(".java", "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checks.removeAll(Set.of("StrictModelCheck", "SchemaCheck")); // the "How each kind is checked" table
        assertTrue(named.containsAll(checks), "checks missing from the table: " + checks.stream().filter(c -> !named.contains(c)).toList());
    }

    @Test
    void k8sReadmeTablesNameEveryOverlayAndComponentAndNothingElse() {
        String readme = read(ROOT.resolve("k8s/README.md"));
        Set<String> applied = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## Apply")) {
            Matcher m = Pattern.compile("k8s/overlays/([\\w-]+)").matcher(row.get(1));
            while (m.find()) {
                applied.add(m.group(1));
            }
        }
        assertEquals(dirs("k8s/overlays"), applied, "## Apply names every overlay under k8s/overlays/, and only those");
        Set<String> parts = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## What each part adds")) {
            Matcher m = Pattern.compile("components/([\\w-]+)").matcher(row.get(0));
            if (m.find()) {
                parts.add(m.group(1));
            }
        }
        assertEquals(dirs("k8s/components"), parts, "## What each part adds has a row per component");
    }

    /** The folder READMEs under k8s/ and gateway-config/ with a File table name each YAML file of their folder, and only those. */
    @Test
    void everyFolderReadmesFileTableNamesTheFolderYamlFiles() {
        List<String> problems = new ArrayList<>();
        int tables = 0;
        for (String tree : List.of("k8s", "gateway-config")) {
            try (Stream<Path> readmes = Files.walk(ROOT.resolve(tree))) {
                for (Path readme : readmes.filter(p -> p.getFileName().toString().equals("README.md")).sorted().toList()) {
                    List<String> problem = fileTableProblems(readme);
                    if (problem != null) {
                        tables++;
                        problems.addAll(problem);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertTrue(tables >= 7, "the File tables of gateway-config/*/ and k8s/components/*/, k8s/examples/: found " + tables);
        assertEquals(List.of(), problems);
    }

    @Test
    void theFileTableCheckFailsOnAFileTheFolderDoesNotHoldOrATableThatMissesOne(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "kind: A\n");
        Files.writeString(dir.resolve("b.yaml"), "kind: B\n");
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [a.yaml, b.yaml]\n");
        Files.writeString(dir.resolve("README.md"), "| File | What |\n|---|---|\n| `a.yaml` | A |\n| [c.yaml](c.yaml) | C |\n");
        String folder = dir.getFileName().toString();
        assertEquals(List.of(folder + "/README.md names c.yaml, which is not in the folder",
                folder + "/README.md does not name b.yaml"), fileTableProblems(dir.resolve("README.md")));
    }

    /** Null when the README has no table headed "File"; else what its File column and the folder's YAML files disagree on. */
    static List<String> fileTableProblems(Path readme) {
        String text = read(readme);
        List<String> header = text.lines().filter(l -> l.startsWith("|")).findFirst()
                .map(l -> List.of(l.replaceAll("^\\|\\s*|\\s*\\|$", "").split("\\s*\\|\\s*"))).orElse(List.of());
        if (header.isEmpty() || !header.get(0).equals("File")) {
            return null;
        }
        Set<String> named = new TreeSet<>();
        for (List<String> row : MarkdownTable.headed(text, header.toArray(String[]::new))) {
            Matcher m = Pattern.compile("^(?:`([^`]+)`|\\[([^\\]]+)\\])").matcher(row.get(0));
            if (m.find()) {
                named.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(readme.getParent())) {
            list.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String where = readme.getParent().getFileName() + "/README.md";
        List<String> problems = new ArrayList<>();
        named.stream().filter(n -> !files.contains(n)).forEach(n -> problems.add(where + " names " + n + ", which is not in the folder"));
        files.stream().filter(f -> !named.contains(f)).forEach(f -> problems.add(where + " does not name " + f));
        return problems;
    }

    // ---- sidecar-demo/README.md, "What the manifest must set": the Deployment sidecar-demo as k8s/base renders it

    @Test
    void sidecarDemosManifestTableIsWhatItsDeploymentSets() {
        assertEquals(List.of(), sidecarTableProblems(read(ROOT.resolve("sidecar-demo/README.md")), Fixtures.base()));
    }

    @Test
    void theSidecarTableCheckFailsOnATableTheDeploymentDoesNotMatch() {
        String readme = read(ROOT.resolve("sidecar-demo/README.md"));
        String wrongValue = readme.replace("`NETPATHS_SIDECAR_LISTEN=127.0.0.1:9090`", "`NETPATHS_SIDECAR_LISTEN=127.0.0.1:9091`");
        assertEquals(List.of("sidecar: NETPATHS_SIDECAR_LISTEN is '127.0.0.1:9090' in the Deployment, the table says '127.0.0.1:9091'"),
                sidecarTableProblems(wrongValue, Fixtures.base()));
        String unnamed = readme.replace("`NETPATHS_SIDECAR_ROLE=app`, ", "");
        assertEquals(List.of("app: the Deployment sets NETPATHS_SIDECAR_ROLE, which the table does not name"),
                sidecarTableProblems(unnamed, Fixtures.base()));
        String configMap = readme.replace("ConfigMap `netpaths-jvm-small`", "ConfigMap `netpaths-jvm`");
        List<String> problems = sidecarTableProblems(configMap, Fixtures.base());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("app: takes no env from ConfigMap netpaths-jvm (its envFrom: [netpaths-jvm-small-")),
                "envFrom is checked: " + problems);
    }

    /** The identity env every serving container carries (WorkloadContractCheck's): not this table's business. */
    private static final Set<String> IDENTITY_ENV = identityEnv();

    private static Set<String> identityEnv() {
        Set<String> names = new TreeSet<>(WorkloadContractCheck.DOWNWARD.keySet());
        names.addAll(WorkloadContractCheck.LITERAL);
        return names;
    }

    static List<String> sidecarTableProblems(String readme, List<Manifest> manifests) {
        Manifest deployment = manifests.stream().filter(m -> m.kind().equals("Deployment") && m.name().equals("sidecar-demo"))
                .findFirst().orElseThrow(() -> new AssertionError("no Deployment sidecar-demo in k8s/base"));
        JsonNode spec = deployment.spec().path("template").path("spec");
        Map<String, JsonNode> containers = new LinkedHashMap<>();
        spec.path("containers").forEach(c -> containers.put(c.path("name").asText(), c));
        spec.path("initContainers").forEach(c -> containers.put(c.path("name").asText(), c));
        Map<String, Set<String>> named = new TreeMap<>();
        containers.keySet().forEach(c -> named.put(c, new TreeSet<>()));
        List<String> problems = new ArrayList<>();
        for (List<String> row : MarkdownTable.after(readme, "## What the manifest must set")) {
            String who = MarkdownTable.code(row.get(0)).isEmpty() ? row.get(0) : MarkdownTable.code(row.get(0)).get(0);
            List<String> targets = who.equals("both") ? List.copyOf(containers.keySet()) : List.of(who);
            for (String target : targets) {
                JsonNode container = containers.get(target);
                if (container == null) {
                    problems.add(target + ": the Deployment has no container " + target + " (its containers: " + containers.keySet() + ")");
                    continue;
                }
                for (String clause : row.get(1).split(";")) {
                    sidecarClause(target, container, clause.strip(), manifests, named.get(target), problems);
                }
            }
        }
        containers.forEach((name, container) -> {
            for (JsonNode env : container.path("env")) {
                String var = env.path("name").asText();
                if (!IDENTITY_ENV.contains(var) && !named.get(name).contains(var)) {
                    problems.add(name + ": the Deployment sets " + var + ", which the table does not name");
                }
            }
        });
        return problems;
    }

    private static final Pattern ENV_NAME = Pattern.compile("^([A-Z][A-Z0-9_]*)(?:=(.*))?$");

    /** One clause of a row: "optional `X` ...", "no ports, no probes", or items "`X=v`", "`X` (Downward API)", "`X` from ConfigMap `c`". */
    private static void sidecarClause(String who, JsonNode container, String clause, List<Manifest> manifests, Set<String> named,
                                      List<String> problems) {
        if (clause.startsWith("optional")) {
            MarkdownTable.code(clause).stream().map(ENV_NAME::matcher).filter(Matcher::matches).forEach(m -> named.add(m.group(1)));
            return;
        }
        if (clause.equals("no ports, no probes")) {
            for (String field : List.of("ports", "startupProbe", "readinessProbe", "livenessProbe")) {
                if (container.has(field)) {
                    problems.add(who + ": the table says no ports, no probes; the Deployment sets " + field);
                }
            }
            return;
        }
        for (String item : clause.split(", ")) {
            List<String> code = MarkdownTable.code(item);
            Matcher env = code.isEmpty() ? null : ENV_NAME.matcher(code.get(0));
            if (env == null || !env.matches()) {
                problems.add(who + ": cannot read '" + item + "' (expected `NAME=value`, `NAME` (Downward API) or `NAME` from ConfigMap `name`)");
                continue;
            }
            String name = env.group(1);
            named.add(name);
            JsonNode set = envVar(container, name);
            if (item.contains("from ConfigMap")) {
                String configMap = code.get(1);
                List<String> from = new ArrayList<>();
                container.path("envFrom").forEach(f -> from.add(f.path("configMapRef").path("name").asText()));
                // kustomize's configMapGenerator appends a hash of the content to the name it renders
                String rendered = from.stream().filter(f -> f.equals(configMap) || f.matches(Pattern.quote(configMap) + "-[a-z0-9]{10}"))
                        .findFirst().orElse(null);
                if (rendered == null) {
                    problems.add(who + ": takes no env from ConfigMap " + configMap + " (its envFrom: " + from + ")");
                } else if (manifests.stream().noneMatch(m -> m.kind().equals("ConfigMap") && m.name().equals(rendered)
                        && m.body().path("data").has(name))) {
                    problems.add(who + ": ConfigMap " + configMap + " has no " + name);
                }
            } else if (set == null) {
                problems.add(who + ": the table names " + name + ", which the Deployment does not set");
            } else if (env.group(2) != null && !env.group(2).equals(set.path("value").asText(null))) {
                problems.add(who + ": " + name + " is '" + set.path("value").asText(set.path("valueFrom").toString())
                        + "' in the Deployment, the table says '" + env.group(2) + "'");
            } else if (item.contains("(Downward API)") && !set.path("valueFrom").has("fieldRef")) {
                problems.add(who + ": " + name + " is not from the Downward API (fieldRef) in the Deployment");
            }
        }
    }

    private static JsonNode envVar(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env;
            }
        }
        return null;
    }

    // ---- the route tables: gateway-config/README.md's and docs/architecture.md's entry points, against gateway-config/

    /** A table column's API (its header's first words) → the kind of the routing object that answers for it. */
    private static final Map<String, String> API_KINDS = Map.of("Ingress", "Ingress", "Gateway API", "HTTPRoute", "Istio", "VirtualService");

    @Test
    void theRouteTablesAreWhatGatewayConfigsObjectsRoute() {
        List<String> problems = new ArrayList<>(routeTableProblems(read(ROOT.resolve("gateway-config/README.md")),
                List.of("Match", "Backend", "Ingress", "Gateway API", "Istio"), Fixtures.gatewayConfig()));
        problems.addAll(routeTableProblems(read(ROOT.resolve("docs/architecture.md")), List.of("Match", "Backend",
                "Ingress `ingress.netpaths.test`", "Gateway API `gateway.netpaths.test`", "Istio `istio.netpaths.test`"),
                Fixtures.gatewayConfig()));
        assertEquals(List.of(), problems);
    }

    @Test
    void theRouteTableCheckFailsOnATableThatIsNotTheRoutes() {
        List<String> columns = List.of("Match", "Backend", "Ingress", "Gateway API", "Istio");
        String readme = read(ROOT.resolve("gateway-config/README.md"));
        String broken = readme.replace("| path prefix `/v2` | netpaths/echo-v2 |", "| path prefix `/v2` | netpaths/echo |")
                .replace("| path prefix `/split` | echo 80 / echo-v2 20 | - |", "| path prefix `/split` | echo 80 / echo-v2 20 | yes |")
                .replaceAll("(?m)^\\| path prefix `/limited` .*\\n", "");
        assertEquals(List.of(
                "Ingress: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo",
                "Ingress: the table says path prefix /split is routed; gateway-config/ has no such route",
                "Gateway API: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo",
                "Gateway API: routes path prefix /limited → netpaths/echo, which the table lacks",
                "Istio: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo"),
                routeTableProblems(broken, columns, Fixtures.gatewayConfig()));
    }

    static List<String> routeTableProblems(String markdown, List<String> columns, List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        List<List<String>> rows = MarkdownTable.headed(markdown, columns.toArray(String[]::new));
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
            List<String> host = MarkdownTable.code(header);
            if (!host.isEmpty() && !hosts.equals(Set.of(host.get(0)))) {
                problems.add(api + ": the header says host " + host.get(0) + ", the " + kind + " serves " + hosts);
            }
            Set<String> inTable = new TreeSet<>();
            for (List<String> row : rows) {
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

    private static Set<String> dirs(String under) {
        try (Stream<Path> list = Files.list(ROOT.resolve(under))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

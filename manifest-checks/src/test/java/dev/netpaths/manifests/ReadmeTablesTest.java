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

import static dev.netpaths.manifests.RepoFiles.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tables in manifest-checks/README.md and k8s/README.md name what exists, all of it, and nothing else (k8s/README.md's
 * label table: the labels the kind overlay renders);
 * sidecar-demo/README.md's "What the manifest must set" is what its Deployment sets; gateway-config/README.md's route
 * table is what gateway-config/'s routing objects route (docs/architecture.md's tables: {@link ArchitectureCheckTest}).
 */
class ReadmeTablesTest {

    private static final Path ROOT = RepoFiles.ROOT;
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
        RepoFiles.list(SOURCES).stream().filter(f -> read(f).contains("implements Check"))
                .forEach(f -> checks.add(f.getFileName().toString().replace(".java", "")));
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
        assertEquals(RepoFiles.dirs("k8s/overlays"), applied, "## Apply names every overlay under k8s/overlays/, and only those");
        Set<String> parts = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## What each part adds")) {
            Matcher m = Pattern.compile("components/([\\w-]+)").matcher(row.get(0));
            if (m.find()) {
                parts.add(m.group(1));
            }
        }
        assertEquals(RepoFiles.dirs("k8s/components"), parts, "## What each part adds has a row per component");
    }

    // ---- k8s/README.md's label table ("Names, labels and ports the rest of netpaths relies on"): the rendered kind overlay

    @Test
    void k8sReadmesLabelTableIsWhatTheKindOverlayRenders() {
        assertEquals(List.of(), labelTableProblems(read(ROOT.resolve("k8s/README.md")), Fixtures.overlay("kind")));
    }

    @Test
    void theLabelTableCheckFailsOnAValueNoPodHasAMissingOneOrAnotherCarrier() {
        String readme = read(ROOT.resolve("k8s/README.md"));
        String broken = readme.replace("`v1`, `v2` (echo-v2)", "`v1`, `v3`")
                .replace("`sidecar-demo`, `echo-restricted` |", "`sidecar-demo` |")
                .replace("the pods of `netpaths-other/caller-trusted` only", "the pods of `netpaths/caller` only");
        assertEquals(List.of(
                "k8s/README.md: label row '`app.kubernetes.io/name` | every pod (NetworkPolicies and Services select pods by it) | "
                        + "`echo-service`, `caller-service`, `sidecar-demo`': the rendered values are [caller-service, echo-restricted, "
                        + "echo-service, sidecar-demo], the row says [caller-service, echo-service, sidecar-demo]",
                "k8s/README.md: label row '`version` | every pod | `v1`, `v3`': the rendered values are [v1, v2], the row says [v1, v3]",
                "k8s/README.md: label row '`netpaths.dev/trusted` | the pods of `netpaths/caller` only (the caller image; the positive "
                        + "control of the harness's NetworkPolicy truth table) | `\"true\"`': carried by [Deployment netpaths-other/caller-trusted],"
                        + " the row says [DaemonSet netpaths/caller]"),
                labelTableProblems(broken, Fixtures.overlay("kind")));
        List<Manifest> manifests = Fixtures.broken(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/echo",
                p -> Fixtures.at(p, "/spec/ingress/0/from/0/namespaceSelector/matchLabels").put("team", "netpaths"));
        assertEquals(List.of("k8s/README.md: label row '`kubernetes.io/metadata.name` | every NetworkPolicy namespace selector (the one "
                        + "label they select namespaces by; the API server sets it on every Namespace, the lab must put it on its Namespace"
                        + " objects) | the namespace's name': NetworkPolicy netpaths-other/echo selects namespaces by team"),
                labelTableProblems(readme, manifests));
    }

    /**
     * Each row: a label, where it is ("every pod", "every Namespace", "every pod and every Namespace", "the pods of
     * `namespace/name` only", "every NetworkPolicy namespace selector"; parenthesised prose aside) and its values (code
     * spans): every such object carries it, with exactly those values; an "only" label no other pod carries; a
     * namespace selector selects by nothing else.
     */
    static List<String> labelTableProblems(String readme, List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        for (List<String> row : MarkdownTable.headed(readme, "Label", "On", "Values")) {
            String where = "k8s/README.md: label row '" + String.join(" | ", row) + "': ";
            List<String> label = MarkdownTable.code(row.get(0));
            String on = ArchitectureCheck.prose(row.get(1));
            if (row.size() != 3 || label.size() != 1) {
                problems.add(where + "cannot read it (expected | `label` | where | `value`, ... |)");
                continue;
            }
            if (on.equals("every NetworkPolicy namespace selector")) {
                for (Manifest m : manifests) {
                    if (m.kind().equals("NetworkPolicy")) {
                        Set<String> keys = new TreeSet<>();
                        for (JsonNode selector : m.body().findValues("namespaceSelector")) {
                            selector.path("matchLabels").fieldNames().forEachRemaining(keys::add);
                            selector.path("matchExpressions").forEach(e -> keys.add(e.path("key").asText()));
                        }
                        keys.remove(label.get(0));
                        if (!keys.isEmpty()) {
                            problems.add(where + m.id() + " selects namespaces by " + String.join(", ", keys));
                        }
                    }
                }
                continue;
            }
            Matcher only = Pattern.compile("^the pods of `([^`]+)` only$").matcher(on);
            // the objects the row is about, by id, with their labels
            Map<String, Map<String, String>> objects = new TreeMap<>();
            if (on.startsWith("every pod") || only.matches()) {
                PodTemplate.all(manifests).forEach(t -> objects.put(t.owner().id(), t.labels()));
            }
            if (on.endsWith("every Namespace")) {
                manifests.stream().filter(m -> m.kind().equals("Namespace"))
                        .forEach(m -> objects.put(m.id(), PodTemplate.stringMap(m.body().path("metadata").path("labels"))));
            }
            if (objects.isEmpty() || !(on.equals("every pod") || on.equals("every Namespace") || on.equals("every pod and every Namespace")
                    || only.matches())) {
                problems.add(where + "cannot read where ('" + on + "': every pod, every Namespace, every pod and every Namespace,"
                        + " the pods of `namespace/name` only, every NetworkPolicy namespace selector)");
                continue;
            }
            Set<String> said = new TreeSet<>();
            MarkdownTable.code(ArchitectureCheck.prose(row.get(2))).forEach(v -> said.add(v.replace("\"", "")));
            Set<String> values = new TreeSet<>();
            Set<String> carriers = new TreeSet<>();
            Set<String> without = new TreeSet<>();
            objects.forEach((id, labels) -> {
                if (labels.containsKey(label.get(0))) {
                    values.add(labels.get(label.get(0)));
                    carriers.add(id);
                } else {
                    without.add(id);
                }
            });
            if (only.matches()) {
                Set<String> named = new TreeSet<>();
                objects.keySet().stream().filter(id -> id.endsWith(" " + only.group(1))).forEach(named::add);
                if (!carriers.equals(named)) {
                    problems.add(where + "carried by " + carriers + ", the row says " + named);
                }
            } else if (!without.isEmpty()) {
                problems.add(where + "missing on " + without);
            }
            if (!values.equals(said)) {
                problems.add(where + "the rendered values are " + values + ", the row says " + said);
            }
        }
        return problems;
    }

    /** The folder READMEs under k8s/ and gateway-config/ with a File table name each YAML file of their folder, and only those. */
    @Test
    void everyFolderReadmesFileTableNamesTheFolderYamlFiles() {
        List<String> problems = new ArrayList<>();
        int tables = 0;
        for (String tree : List.of("k8s", "gateway-config")) {
            for (Path readme : RepoFiles.walk(ROOT.resolve(tree), "README.md")) {
                List<String> problem = readme.getFileName().toString().equals("README.md") ? fileTableProblems(readme) : null;
                if (problem != null) {
                    tables++;
                    problems.addAll(problem);
                }
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
        RepoFiles.list(readme.getParent()).stream().map(f -> f.getFileName().toString())
                .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).forEach(files::add);
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

    // ---- the route tables: gateway-config/README.md's (docs/architecture.md's is ArchitectureCheck's, Fixtures.architectureRoutes())

    private static final List<String> README_ROUTE_COLUMNS = List.of("Match", "Backend", "Ingress", "Gateway API", "Istio");

    private static List<String> routeTableProblems(String markdown) {
        return ArchitectureCheck.routeTable("gateway-config/README.md", README_ROUTE_COLUMNS,
                MarkdownTable.headed(markdown, README_ROUTE_COLUMNS.toArray(String[]::new))).check(Fixtures.gatewayConfig());
    }

    @Test
    void gatewayConfigsRouteTableIsWhatItsObjectsRoute() {
        assertEquals(List.of(), routeTableProblems(read(ROOT.resolve("gateway-config/README.md"))));
    }

    @Test
    void theRouteTableCheckFailsOnATableThatIsNotTheRoutes() {
        String readme = read(ROOT.resolve("gateway-config/README.md"));
        String broken = readme.replace("| path prefix `/v2` | netpaths/echo-v2 |", "| path prefix `/v2` | netpaths/echo |")
                .replace("| path prefix `/split` | echo 80 / echo-v2 20 | - |", "| path prefix `/split` | echo 80 / echo-v2 20 | yes |")
                .replaceAll("(?m)^\\| path prefix `/limited` .*\\n", "");
        assertEquals(List.of(
                "gateway-config/README.md: Ingress: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo",
                "gateway-config/README.md: Ingress: the table says path prefix /split is routed; gateway-config/ has no such route",
                "gateway-config/README.md: Gateway API: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo",
                "gateway-config/README.md: Gateway API: routes path prefix /limited → netpaths/echo, which the table lacks",
                "gateway-config/README.md: Istio: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo"),
                routeTableProblems(broken));
    }
}

package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Quarkus Kubernetes extension as a drift check: the objects it generates from a service's
 * application.properties (&lt;module&gt;/target/kubernetes/kubernetes.yml) agree with the hand-written ones in
 * k8s/base/workloads/&lt;module&gt;/. Every field the extension writes must appear in the hand-written object
 * with the same value, except what the hand-written files state differently on purpose ({@link #DELIBERATE}):
 * the netpaths labels, the caller as a DaemonSet, replicas, ports by name instead of number, no generator
 * stamps and no fields left at their Kubernetes default. Fields only the hand-written files have (the
 * restricted security context, the native sidecar, tolerations, spread) are theirs alone.
 * Lists whose items all carry a {@code name} are compared item by name (the extension does not keep their order).
 */
public final class GeneratedManifests {

    /** Generated paths the hand-written files state differently on purpose, with the reason. */
    static final Map<String, String> DELIBERATE = Map.of(
            "metadata.labels", "the netpaths label scheme (app.kubernetes.io/name is the service, version)",
            "spec.selector", "selects by the netpaths labels",
            "spec.template.metadata.labels", "the netpaths labels",
            "metadata.annotations", "no generator stamps on the objects; the pod template keeps the scrape annotations",
            "spec.replicas", "replicas belong to the manifest (echo runs 2; a DaemonSet has none)",
            "spec.template.metadata.annotations.app.quarkus.io/quarkus-version", "a build stamp",
            "spec.template.metadata.annotations.prometheus.io/scheme", "http is the default",
            "spec.template.spec.containers[name=app].env[name=KUBERNETES_NAMESPACE]", "POD_NAMESPACE says it once");

    /** Values a generated field may have that the hand-written files leave out: the API server's defaults. */
    private static final Map<String, String> DEFAULTS = Map.of("successThreshold", "1", "initialDelaySeconds", "0",
            "timeoutSeconds", "1", "failureThreshold", "3", "scheme", "\"HTTP\"", "readOnly", "false",
            "type", "\"ClusterIP\"", "protocol", "\"TCP\"");

    private GeneratedManifests() {
    }

    public static List<String> drift(RepoLayout layout) {
        List<String> findings = new ArrayList<>();
        for (String module : RepoLayout.GENERATED_MODULES) {
            findings.addAll(drift(layout, module));
        }
        return findings;
    }

    public static List<String> drift(RepoLayout layout, String module) {
        Path built = layout.builtGenerated(module);
        Path dir = layout.handWritten(module);
        if (!Files.isRegularFile(built)) {
            return List.of(layout.relative(built) + " does not exist: run mvn package first (mvn -B -ntp -pl " + module
                    + " -am package -DskipTests, or mvn install from the root)");
        }
        List<Manifest> written = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")
                    && !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                written.addAll(ManifestLoader.parse(read(file), layout.relative(file)));
            }
        } catch (IOException e) {
            return List.of("cannot read " + layout.relative(dir) + ": " + e.getMessage());
        }
        Map<String, Integer> ports = new HashMap<>();
        written.forEach(m -> ports.putAll(ports(m.body())));
        List<String> findings = new ArrayList<>();
        for (Manifest generated : ManifestLoader.parse(read(built), layout.relative(built))) {
            Manifest mine = written.stream().filter(m -> m.name().equals(generated.name())
                    && (m.kind().equals(generated.kind()) || workloads(m.kind(), generated.kind()))).findFirst().orElse(null);
            if (mine == null) {
                findings.add(layout.relative(dir) + " has no " + generated.kind() + " " + generated.name()
                        + ", which " + layout.relative(built) + " generates");
                continue;
            }
            List<String> differences = new ArrayList<>();
            compare(generated.body(), mine.body(), "", ports, differences);
            differences.stream().filter(d -> !d.startsWith("kind:"))
                    .forEach(d -> findings.add(mine.source() + ": " + mine.kind() + " " + mine.name() + ": " + d
                            + " (generated from " + module + "/src/main/resources/application.properties): change"
                            + " the hand-written file or that configuration"));
        }
        return findings;
    }

    /**
     * The hand-written manifests under {@code dirs} (relative to the repository) state no field at the value the API
     * server defaults it to ({@link #DEFAULTS}: {@code protocol: TCP}, {@code type: ClusterIP}, a probe's
     * {@code failureThreshold: 3}...): such a field is generator noise a reader has to skip.
     */
    public static List<String> statedDefaults(RepoLayout layout, String... dirs) {
        List<String> findings = new ArrayList<>();
        for (String dir : dirs) {
            try (Stream<Path> files = Files.walk(layout.root().resolve(dir))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")
                        && !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                    for (Manifest m : ManifestLoader.parse(read(file), layout.relative(file))) {
                        defaults(m.body(), "", m.source() + ": " + m.kind() + " " + m.name() + ": ", findings);
                    }
                }
            } catch (IOException e) {
                findings.add("cannot read " + dir + ": " + e.getMessage());
            }
        }
        return findings;
    }

    private static void defaults(JsonNode node, String path, String where, List<String> findings) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (f.getValue().isValueNode() && f.getValue().toString().equals(DEFAULTS.get(f.getKey()))) {
                    findings.add(where + at + ": " + f.getValue() + " is the API server's default; leave it out");
                } else {
                    defaults(f.getValue(), at, where, findings);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                defaults(node.get(i), path + "[" + i + "]", where, findings);
            }
        }
    }

    /** The extension generates Deployments; the caller is written as a DaemonSet on purpose. */
    private static boolean workloads(String a, String b) {
        return Set.of("Deployment", "DaemonSet").containsAll(List.of(a, b));
    }

    private static void compare(JsonNode generated, JsonNode mine, String path, Map<String, Integer> ports,
            List<String> differences) {
        if (DELIBERATE.containsKey(path) || path.equals("kind")) {
            return;
        }
        if (generated.isObject()) {
            generated.fieldNames().forEachRemaining(name -> compare(generated.get(name), mine.path(name),
                    path.isEmpty() ? name : path + "." + name, ports, differences));
            return;
        }
        if (generated.isArray() && allNamed(generated)) {
            for (JsonNode item : generated) {
                String name = item.get("name").asText();
                JsonNode counterpart = mine.isArray() ? named(mine, name) : MissingNode.getInstance();
                if (counterpart.isMissingNode() && !DELIBERATE.containsKey(path + "[name=" + name + "]")) {
                    differences.add(path + "[name=" + name + "]: generated " + item + ", written <absent>");
                } else {
                    compare(item, counterpart, path + "[name=" + name + "]", ports, differences);
                }
            }
            return;
        }
        if (generated.isArray()) {
            for (int i = 0; i < generated.size(); i++) {
                compare(generated.get(i), mine.path(i), path + "[" + i + "]", ports, differences);
            }
            return;
        }
        if (generated.equals(mine)) {
            return;
        }
        String field = path.substring(path.lastIndexOf('.') + 1);
        if (mine.isMissingNode() && generated.toString().equals(DEFAULTS.get(field))) {
            return; // left at the API server's default
        }
        if ((field.equals("port") || field.equals("targetPort")) && generated.isInt() && mine.isTextual()
                && Integer.valueOf(generated.asInt()).equals(ports.get(mine.asText()))) {
            return; // the same port, by name
        }
        differences.add(path + ": generated " + generated + ", written " + (mine.isMissingNode() ? "<absent>" : mine));
    }

    /** The container ports by name, to resolve a probe port or a Service targetPort written by name. */
    private static Map<String, Integer> ports(JsonNode object) {
        Map<String, Integer> ports = new HashMap<>();
        for (JsonNode container : object.at("/spec/template/spec/containers")) {
            for (JsonNode port : container.path("ports")) {
                ports.put(port.path("name").asText(), port.path("containerPort").asInt());
            }
        }
        return ports;
    }

    private static boolean allNamed(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isObject() || !item.path("name").isTextual()) {
                return false;
            }
        }
        return !array.isEmpty();
    }

    private static JsonNode named(JsonNode array, String name) {
        for (JsonNode item : array) {
            if (item.path("name").asText().equals(name)) {
                return item;
            }
        }
        return MissingNode.getInstance();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

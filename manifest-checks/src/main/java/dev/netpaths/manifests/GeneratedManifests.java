package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The committed copies of the Quarkus-generated objects (k8s/base/workloads/&lt;module&gt;/generated.yml) equal
 * the build output (&lt;module&gt;/target/kubernetes/kubernetes.yml). Both are compared as YAML trees: the
 * committed copy has a header comment, and the extension keeps neither the order of labels nor the order of
 * named list items (ports, env, containers: it builds them from maps) stable between builds, so lists whose
 * items all carry a {@code name} are compared item by name.
 */
public final class GeneratedManifests {

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
        Path committed = layout.committedGenerated(module);
        if (!Files.isRegularFile(built)) {
            return List.of(layout.relative(built) + " does not exist: run mvn package first (mvn -B -ntp -pl " + module
                    + " -am package -DskipTests, or mvn install from the root)");
        }
        if (!Files.isRegularFile(committed)) {
            return List.of(layout.relative(committed) + " does not exist: run scripts/manifests/refresh-generated.sh");
        }
        String difference = firstDifference(ManifestLoader.parse(read(committed), layout.relative(committed)),
                ManifestLoader.parse(read(built), layout.relative(built)));
        if (difference == null) {
            return List.of();
        }
        return List.of(layout.relative(committed) + " differs from " + layout.relative(built) + " (" + difference
                + "): the committed copy is stale; run scripts/manifests/refresh-generated.sh and commit the result");
    }

    /** The first difference between two lists of objects, or null when they are equal. */
    static String firstDifference(List<Manifest> committed, List<Manifest> built) {
        if (committed.size() != built.size()) {
            return committed.size() + " objects committed, " + built.size() + " built";
        }
        for (int i = 0; i < committed.size(); i++) {
            String path = firstDifference(committed.get(i).body(), built.get(i).body(), "");
            if (path != null) {
                return built.get(i).id() + ": " + path;
            }
        }
        return null;
    }

    private static String firstDifference(JsonNode committed, JsonNode built, String path) {
        if (committed.isObject() && built.isObject()) {
            Set<String> names = new TreeSet<>();
            committed.fieldNames().forEachRemaining(names::add);
            built.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String difference = firstDifference(committed.path(name), built.path(name), path.isEmpty() ? name : path + "." + name);
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (committed.isArray() && built.isArray() && allNamed(committed) && allNamed(built)) {
            Set<String> names = new TreeSet<>();
            committed.forEach(item -> names.add(item.get("name").asText()));
            built.forEach(item -> names.add(item.get("name").asText()));
            for (String name : names) {
                String difference = firstDifference(named(committed, name), named(built, name),
                        path + "[name=" + name + "]");
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (committed.isArray() && built.isArray() && committed.size() == built.size()) {
            for (int i = 0; i < committed.size(); i++) {
                String difference = firstDifference(committed.get(i), built.get(i), path + "[" + i + "]");
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        return committed.equals(built) ? null : path + ": committed " + text(committed) + ", built " + text(built);
    }

    private static boolean allNamed(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isObject() || !item.path("name").isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** The item called {@code name}, or a missing node (reported as absent). */
    private static JsonNode named(JsonNode array, String name) {
        for (JsonNode item : array) {
            if (item.get("name").asText().equals(name)) {
                return item;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() ? "<absent>" : node.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

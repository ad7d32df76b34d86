package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads manifests: YAML files as they are, and kustomizations rendered with {@code kubectl kustomize}.
 * Rendered objects keep the file they come from (kustomize's origin annotation), so findings name it.
 */
public final class ManifestLoader {

    static final String ORIGIN_ANNOTATION = "config.kubernetes.io/origin";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long RENDER_TIMEOUT_SECONDS = 60;

    private final RepoLayout layout;
    private final String kubectl;

    /** kubectl from {@code NETPATHS_KUBECTL}, else {@code kubectl} on the PATH. */
    public ManifestLoader(RepoLayout layout) {
        this(layout, System.getenv().getOrDefault("NETPATHS_KUBECTL", "kubectl"));
    }

    public ManifestLoader(RepoLayout layout, String kubectl) {
        this.layout = layout;
        this.kubectl = kubectl;
    }

    /** Every object of one YAML file (multi-document); empty documents are skipped. */
    public List<Manifest> loadFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + layout.relative(file) + ": " + e.getMessage(), e);
        }
        return parse(text, layout.relative(file));
    }

    /** Every object of every *.yaml / *.yml file under a directory, in path order. */
    public List<Manifest> loadTree(Path dir) {
        List<Manifest> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted(Comparator.naturalOrder())
                    .forEach(f -> all.addAll(loadFile(f)));
        } catch (IOException e) {
            throw new ManifestException("cannot list " + layout.relative(dir) + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** Parses YAML text (one or more documents); {@code source} names it in findings. */
    public static List<Manifest> parse(String text, String source) {
        List<Manifest> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
            int index = 0;
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                index++;
                if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new ManifestException(source + ": document " + index + " is not a YAML mapping");
                }
                out.add(new Manifest(source, (ObjectNode) doc));
            }
        } catch (IOException e) {
            throw new ManifestException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Renders a kustomization directory ({@code kubectl kustomize}) and returns its objects, each with the
     * file it came from. The render runs through a throw-away kustomization that adds
     * {@code buildMetadata: [originAnnotations]}; the annotation is removed from the returned objects.
     */
    public List<Manifest> render(Path kustomization) {
        String label = layout.relative(kustomization);
        if (!Files.isRegularFile(kustomization.resolve("kustomization.yaml"))) {
            throw new ManifestException(label + ": no kustomization.yaml");
        }
        Path wrapper = null;
        try {
            wrapper = Files.createTempDirectory("netpaths-kustomize");
            String relative = wrapper.toRealPath().relativize(kustomization.toRealPath()).toString();
            Files.writeString(wrapper.resolve("kustomization.yaml"),
                    "resources:\n  - " + relative + "\nbuildMetadata: [originAnnotations]\n");
            String rendered = run(wrapper, label);
            List<Manifest> raw = parse(rendered, "kubectl kustomize " + label);
            List<Manifest> out = new ArrayList<>(raw.size());
            for (Manifest m : raw) {
                out.add(new Manifest(origin(m, wrapper.toRealPath(), label), m.body()));
            }
            return out;
        } catch (IOException e) {
            throw new ManifestException("cannot render " + label + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(wrapper);
        }
    }

    private String run(Path wrapper, String label) throws IOException {
        Path stderr = Files.createTempFile("netpaths-kustomize", ".err");
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", wrapper.toString())
                    .redirectError(stderr.toFile())
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(RENDER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ManifestException("kubectl kustomize " + label + " did not finish in " + RENDER_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new ManifestException("kubectl kustomize " + label + " failed (exit " + process.exitValue() + "): "
                        + Files.readString(stderr).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManifestException("interrupted while rendering " + label, e);
        } catch (IOException e) {
            throw new ManifestException("cannot run '" + kubectl + " kustomize' for " + label
                    + " (kubectl with kustomize is needed; set NETPATHS_KUBECTL): " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    /** The origin file of a rendered object, relative to the repository root; removes the annotation. */
    private String origin(Manifest m, Path wrapper, String label) {
        JsonNode annotations = m.body().path("metadata").path("annotations");
        if (!annotations.isObject() || !annotations.has(ORIGIN_ANNOTATION)) {
            return label + " (rendered)";
        }
        String origin = annotations.get(ORIGIN_ANNOTATION).asText();
        ((ObjectNode) annotations).remove(ORIGIN_ANNOTATION);
        if (annotations.isEmpty()) {
            ((ObjectNode) m.body().get("metadata")).remove("annotations");
        }
        try {
            JsonNode parsed = YAML.readTree(origin);
            String path = parsed.path("path").asText("");
            if (!path.isEmpty()) {
                return layout.relative(wrapper.resolve(path)) + " via " + label;
            }
            String configuredIn = parsed.path("configuredIn").asText("");
            if (!configuredIn.isEmpty()) {
                return "generated by " + layout.relative(wrapper.resolve(configuredIn)) + " via " + label;
            }
        } catch (IOException e) {
            // fall through: the object is still checked, only its file is less precise
        }
        return label + " (rendered)";
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}

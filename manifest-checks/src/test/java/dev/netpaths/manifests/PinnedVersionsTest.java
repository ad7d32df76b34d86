package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.netpaths.manifests.RepoFiles.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/versions.env owns the versions of Istio, Envoy Gateway, MetalLB and the Gateway API: where the vendored
 * schemas (their {@code $comment} says which release they come from), manifest-checks/README.md and gateway-config/
 * name one of them, they name the pin (or its MAJOR.MINOR).
 */
class PinnedVersionsTest {
    private static final Path ROOT = RepoFiles.ROOT;
    private static final Map<String, String> PIN_OF = Map.of(
            "Istio", "ISTIO_VERSION", "Envoy Gateway", "ENVOY_GATEWAY_VERSION", "MetalLB", "METALLB_VERSION", "Gateway API", "GATEWAY_API_VERSION");
    private static final Pattern MENTION = Pattern.compile("\\b(Istio|Envoy Gateway|MetalLB|Gateway API) (v?\\d+\\.\\d+(?:\\.\\d+)?)\\b");

    static Map<String, String> pins() {
        Map<String, String> pins = new TreeMap<>();
        for (String line : read(ROOT.resolve("scripts/versions.env")).split("\n")) {
            Matcher m = Pattern.compile("^([A-Z0-9_]+)=(\\S+)$").matcher(line);
            if (m.matches()) {
                pins.put(m.group(1), m.group(2));
            }
        }
        return pins;
    }

    /** What the mentions of a pinned product in {@code text} get wrong: a version that is neither the pin nor its minor. */
    static List<String> problems(String where, String text, Map<String, String> pins) {
        List<String> problems = new ArrayList<>();
        Matcher m = MENTION.matcher(text);
        while (m.find()) {
            String pin = pins.get(PIN_OF.get(m.group(1)));
            String minor = pin.replaceFirst("^(v?\\d+\\.\\d+)\\..*$", "$1");
            if (!m.group(2).equals(pin) && !m.group(2).equals(minor)) {
                problems.add(where + " says " + m.group(0) + ", scripts/versions.env pins " + PIN_OF.get(m.group(1)) + "=" + pin);
            }
        }
        return problems;
    }

    @Test
    void theVendoredSchemasComeFromThePinnedReleases() {
        Map<String, String> pins = pins();
        List<String> problems = new ArrayList<>();
        int schemas = 0;
        for (Path schema : RepoFiles.walk(ROOT.resolve("manifest-checks/src/main/resources/schemas"), ".json")) {
            String comment = comment(schema);
            Matcher m = Pattern.compile("\\bfrom (" + String.join("|", PIN_OF.keySet()) + ") (\\S+) \\(").matcher(comment);
            assertTrue(m.find(), ROOT.relativize(schema) + ": its $comment names no release it comes from: " + comment);
            schemas++;
            problems.addAll(problems(ROOT.relativize(schema).toString(), comment, pins));
        }
        assertTrue(schemas >= 6, "the Istio, Envoy Gateway and MetalLB schemas: found " + schemas);
        assertEquals(List.of(), problems);
    }

    @Test
    void theReadmesAndManifestCommentsNameThePinnedReleases() {
        Map<String, String> pins = pins();
        List<String> problems = new ArrayList<>();
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("manifest-checks/README.md")));
        pages.addAll(RepoFiles.walk(ROOT.resolve("gateway-config"), ".md"));
        pages.addAll(RepoFiles.walk(ROOT.resolve("gateway-config"), ".yaml"));
        for (Path page : pages) {
            problems.addAll(problems(ROOT.relativize(page).toString(), read(page), pins));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aStaleVersionIsNamedWithThePin() {
        Map<String, String> pins = Map.of("ISTIO_VERSION", "1.30.3", "METALLB_VERSION", "v0.16.1");
        assertEquals(List.of("x.md says Istio 1.31, scripts/versions.env pins ISTIO_VERSION=1.30.3"),
                problems("x.md", "Istio 1.31 objects; Istio 1.30 and Istio 1.30.3; MetalLB v0.16 and MetalLB v0.16.1", pins));
    }

    /** The {@code $comment} of a vendored schema. */
    private static String comment(Path schema) {
        try {
            return new ObjectMapper().readTree(schema.toFile()).path("$comment").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

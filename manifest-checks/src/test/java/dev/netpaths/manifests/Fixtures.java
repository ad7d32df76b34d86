package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netpaths.testsupport.MarkdownTable;
import dev.netpaths.testsupport.Tool;

/** The repository's manifests, rendered once per test run; every call hands out fresh copies to break. */
final class Fixtures {

    static final RepoLayout LAYOUT = RepoLayout.find();
    static final ManifestLoader LOADER = new ManifestLoader(LAYOUT);
    /** What {@link ManifestLoader} runs to render a kustomization (the same NETPATHS_KUBECTL setting). */
    static final Tool KUBECTL = Tool.find("kubectl (with kustomize)", "make deps, or set NETPATHS_KUBECTL",
            "NETPATHS_KUBECTL", "kubectl");
    private static final Map<String, List<Manifest>> CACHE = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /** ArchitectureCheck.cluster() on the workload, Service, NetworkPolicy and Ports tables of {@code markdown} (docs/architecture.md's text). */
    static Check architectureCluster(String markdown) {
        return ArchitectureCheck.cluster(table(markdown, ArchitectureCheck.WORKLOAD_COLUMNS),
                table(markdown, ArchitectureCheck.SERVICE_COLUMNS), table(markdown, ArchitectureCheck.POLICY_COLUMNS),
                table(markdown, ArchitectureCheck.PORT_COLUMNS));
    }

    static Check architectureCluster() {
        return architectureCluster(RepoFiles.read(ArchitectureCheck.DOC));
    }

    /** ArchitectureCheck.routeTable() on the entry-point table of {@code markdown} (docs/architecture.md's text). */
    static Check architectureRoutes(String markdown) {
        return ArchitectureCheck.routeTable(ArchitectureCheck.DOC, ArchitectureCheck.ROUTE_COLUMNS,
                table(markdown, ArchitectureCheck.ROUTE_COLUMNS));
    }

    static Check architectureRoutes() {
        return architectureRoutes(RepoFiles.read(ArchitectureCheck.DOC));
    }

    static List<List<String>> table(String markdown, List<String> columns) {
        return MarkdownTable.headed(markdown, columns.toArray(String[]::new));
    }

    /** Skips the calling test, with the reason, where kubectl is missing; fails it under make test. */
    static void needKubectl() {
        assumeTrue(KUBECTL.usable(), KUBECTL.missing());
    }

    static List<Manifest> overlay(String name) {
        needKubectl();
        return copies(CACHE.computeIfAbsent("overlay:" + name, n -> LOADER.render(LAYOUT.overlay(name))));
    }

    static List<Manifest> base() {
        needKubectl();
        return copies(CACHE.computeIfAbsent("base", n -> LOADER.render(LAYOUT.root().resolve("k8s/base"))));
    }

    static List<Manifest> gatewayConfig() {
        return copies(CACHE.computeIfAbsent("gateway-config", n -> LOADER.loadTree(LAYOUT.gatewayConfig())));
    }

    /** The kind overlay plus gateway-config/: what a kind cluster holds after make deploy. */
    static List<Manifest> cluster() {
        List<Manifest> all = overlay("kind");
        all.addAll(gatewayConfig());
        return all;
    }

    private static List<Manifest> copies(List<Manifest> manifests) {
        List<Manifest> out = new ArrayList<>();
        manifests.forEach(m -> out.add(m.copy()));
        return out;
    }

    /** Applies {@code change} to the object with this id ("Kind namespace/name"); fails if there is none. */
    static List<Manifest> broken(List<Manifest> manifests, String id, Consumer<ObjectNode> change) {
        for (Manifest m : manifests) {
            if (m.id().equals(id)) {
                change.accept(m.body());
                return manifests;
            }
        }
        fail("no " + id + " in the manifests");
        return manifests;
    }

    static List<Manifest> without(List<Manifest> manifests, String id) {
        assertTrue(manifests.removeIf(m -> m.id().equals(id)), "no " + id + " to remove");
        return manifests;
    }

    /** The object at a JSON pointer, e.g. "/spec/ports/0". */
    static ObjectNode at(ObjectNode body, String pointer) {
        JsonNode node = body.at(pointer);
        if (!node.isObject()) {
            fail("no object at " + pointer + " in " + body.path("kind").asText());
        }
        return (ObjectNode) node;
    }

    static ArrayNode array(ObjectNode body, String pointer) {
        JsonNode node = body.at(pointer);
        if (!node.isArray()) {
            fail("no array at " + pointer + " in " + body.path("kind").asText());
        }
        return (ArrayNode) node;
    }

    /** Exactly one finding, containing every expected fragment. */
    static void assertOnlyFinding(List<String> findings, String... fragments) {
        if (findings.size() != 1 || !containsAll(findings.get(0), fragments)) {
            fail("expected exactly one finding containing " + List.of(fragments) + ", got:\n  " + String.join("\n  ", findings));
        }
    }

    /** At least one finding containing every expected fragment. */
    static void assertFinding(List<String> findings, String... fragments) {
        if (findings.stream().noneMatch(f -> containsAll(f, fragments))) {
            fail("expected a finding containing " + List.of(fragments) + ", got:\n  " + String.join("\n  ", findings));
        }
    }

    static void assertNoFindings(List<String> findings) {
        if (!findings.isEmpty()) {
            fail(findings.size() + " finding(s):\n  " + String.join("\n  ", findings));
        }
    }

    private static boolean containsAll(String finding, String... fragments) {
        for (String fragment : fragments) {
            if (!finding.contains(fragment)) {
                return false;
            }
        }
        return true;
    }
}

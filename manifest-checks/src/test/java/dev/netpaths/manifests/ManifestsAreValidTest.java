package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.netpaths.manifests.Fixtures.assertNoFindings;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The committed manifests pass every check: each overlay, the base, and gateway-config/ on a kind cluster. */
class ManifestsAreValidTest {

    @ParameterizedTest(name = "k8s/overlays/{0}")
    @ValueSource(strings = {"kind"})
    void everyOverlayRendersAndPassesEveryCheck(String overlay) {
        List<Manifest> manifests = Fixtures.overlay(overlay);
        assertFalse(manifests.isEmpty(), "k8s/overlays/" + overlay + " rendered nothing");
        List<Check> checks = new ArrayList<>(ManifestChecks.generic());
        checks.add(Fixtures.architectureCluster());
        assertNoFindings(ManifestChecks.run(checks, manifests));
    }

    @Test
    void theBaseRendersAndPassesTheGenericChecks() {
        assertNoFindings(ManifestChecks.run(ManifestChecks.generic(), Fixtures.base()));
    }

    @Test
    void gatewayConfigRoutesTheDocumentedTableOnTheKindOverlay() {
        List<Check> checks = new ArrayList<>(ManifestChecks.generic());
        checks.addAll(ManifestChecks.entryPoints());
        checks.add(Fixtures.architectureRoutes());
        assertNoFindings(ManifestChecks.run(checks, Fixtures.cluster()));
    }

    @Test
    void everyOverlayListsTheSameOverlaysAsTheChecks() throws IOException {
        try (Stream<Path> dirs = Files.list(Fixtures.LAYOUT.root().resolve("k8s/overlays"))) {
            List<String> onDisk = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            assertNoFindings(onDisk.equals(RepoLayout.OVERLAYS.stream().sorted().toList()) ? List.of()
                    : List.of("k8s/overlays has " + onDisk + ", RepoLayout.OVERLAYS (and this test's @ValueSource) list "
                    + RepoLayout.OVERLAYS));
        }
    }

    @Test
    void everyManifestFileOpensWithACommentThatSaysHowToApplyIt() throws IOException {
        List<String> findings = new ArrayList<>();
        for (String tree : List.of("k8s", "gateway-config")) {
            try (Stream<Path> files = Files.walk(Fixtures.LAYOUT.root().resolve(tree))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                    List<String> header = Files.readAllLines(file).stream().takeWhile(l -> l.startsWith("#")).toList();
                    if (header.isEmpty()) {
                        findings.add(Fixtures.LAYOUT.relative(file) + ": does not open with a comment saying what it demonstrates");
                    } else if (header.stream().noneMatch(l -> l.contains("kubectl ") || l.contains("scripts/"))) {
                        findings.add(Fixtures.LAYOUT.relative(file) + ": its header comment gives no command (kubectl ... or scripts/...)");
                    }
                }
            }
        }
        assertNoFindings(findings);
    }
}

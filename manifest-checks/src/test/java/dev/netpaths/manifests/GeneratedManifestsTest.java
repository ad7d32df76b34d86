package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.netpaths.manifests.Fixtures.assertNoFindings;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;

/** The committed Quarkus-generated objects are what the build generates now. */
class GeneratedManifestsTest {

    @Test
    void committedGeneratedObjectsEqualTheBuildOutput() {
        assertNoFindings(GeneratedManifests.drift(Fixtures.LAYOUT));
    }

    @Test
    void aStaleCommittedCopyFailsNamingTheLineAndTheFix(@TempDir Path root) throws IOException {
        RepoLayout layout = fakeRepo(root);
        Files.writeString(layout.builtGenerated("echo-service"), "kind: Service\nmetadata:\n  name: echo\n");
        Files.writeString(layout.committedGenerated("echo-service"), "# header\nkind: Service\nmetadata:\n  name: echo-old\n");
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "k8s/base/workloads/echo-service/generated.yml differs from echo-service/target/kubernetes/kubernetes.yml",
                "Service echo: metadata.name: committed \"echo-old\", built \"echo\"", "scripts/manifests/refresh-generated.sh");
    }

    @Test
    void aMissingBuildOutputAsksForMvnPackage(@TempDir Path root) throws IOException {
        RepoLayout layout = fakeRepo(root);
        Files.delete(layout.builtGenerated("echo-service"));
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "echo-service/target/kubernetes/kubernetes.yml does not exist: run mvn package first");
    }

    @Test
    void theHeaderAndTheOrderOfMapKeysAreNotDifferences(@TempDir Path root) throws IOException {
        RepoLayout layout = fakeRepo(root);
        Files.writeString(layout.builtGenerated("echo-service"), "kind: Service\nmetadata:\n  labels:\n    a: \"1\"\n    b: \"2\"\n");
        Files.writeString(layout.committedGenerated("echo-service"), "# GENERATED\nkind: Service\nmetadata:\n  labels:\n    b: \"2\"\n    a: \"1\"\n");
        assertNoFindings(GeneratedManifests.drift(layout, "echo-service"));
    }

    private static final String PORTS_HTTP_UDP = "kind: Service\nmetadata:\n  name: echo\nspec:\n  ports:\n"
            + "    - name: http\n      port: 8080\n    - name: udp\n      port: 5005\n";

    @Test
    void theOrderOfNamedListItemsIsNotADifference(@TempDir Path root) throws IOException {
        RepoLayout layout = fakeRepo(root);
        Files.writeString(layout.builtGenerated("echo-service"), PORTS_HTTP_UDP);
        Files.writeString(layout.committedGenerated("echo-service"), "# GENERATED\nkind: Service\nmetadata:\n  name: echo\n"
                + "spec:\n  ports:\n    - name: udp\n      port: 5005\n    - name: http\n      port: 8080\n");
        assertNoFindings(GeneratedManifests.drift(layout, "echo-service"));
    }

    @Test
    void aChangedOrMissingNamedListItemIsADifference(@TempDir Path root) throws IOException {
        RepoLayout layout = fakeRepo(root);
        Files.writeString(layout.builtGenerated("echo-service"), PORTS_HTTP_UDP);
        Files.writeString(layout.committedGenerated("echo-service"), "# GENERATED\nkind: Service\nmetadata:\n  name: echo\n"
                + "spec:\n  ports:\n    - name: udp\n      port: 5006\n    - name: http\n      port: 8080\n");
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "Service echo: spec.ports[name=udp].port: committed 5006, built 5005");
        Files.writeString(layout.committedGenerated("echo-service"), "# GENERATED\nkind: Service\nmetadata:\n  name: echo\n"
                + "spec:\n  ports:\n    - name: http\n      port: 8080\n");
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "Service echo: spec.ports[name=udp]: committed <absent>");
    }

    private static RepoLayout fakeRepo(Path root) throws IOException {
        RepoLayout layout = new RepoLayout(root);
        Files.createDirectories(layout.builtGenerated("echo-service").getParent());
        Files.createDirectories(layout.committedGenerated("echo-service").getParent());
        Files.writeString(layout.builtGenerated("echo-service"), "kind: Service\n");
        Files.writeString(layout.committedGenerated("echo-service"), String.join("\n", List.of("# GENERATED", "# by", "kind: Service", "")));
        return layout;
    }
}

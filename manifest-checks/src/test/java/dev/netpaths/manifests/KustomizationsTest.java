package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.netpaths.manifests.Fixtures.assertNoFindings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kustomization under k8s/ renders on its own, and the pods it renders pass Pod Security restricted
 * with no help from a parent (no patch applied further up). Components are checked through a kustomization
 * that uses them.
 */
class KustomizationsTest {

    static Stream<String> kustomizations() {
        try (Stream<Path> files = Files.walk(Fixtures.LAYOUT.root().resolve("k8s"))) {
            return files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !read(f).contains("\nkind: Component"))
                    .map(f -> Fixtures.LAYOUT.relative(f.getParent()))
                    .sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void rendersPodsThatPassPodSecurityRestrictedOnItsOwn(String dir) {
        Fixtures.needKubectl();
        List<Manifest> rendered = Fixtures.LOADER.render(Fixtures.LAYOUT.root().resolve(dir));
        assertFalse(rendered.isEmpty(), dir + " renders nothing");
        assertNoFindings(new PodSecurityCheck().check(rendered));
    }

    @Test
    void everyWorkloadFolderIsAKustomizationThatRendersAPod() {
        List<String> all = kustomizations().toList();
        for (String module : RepoLayout.GENERATED_MODULES) {
            String dir = "k8s/base/workloads/" + module;
            assertTrue(all.contains(dir), dir + " is not a kustomization: " + all);
            Fixtures.needKubectl();
            assertFalse(PodTemplate.all(Fixtures.LOADER.render(Fixtures.LAYOUT.root().resolve(dir))).isEmpty(),
                    dir + " renders no pod template");
        }
    }

    @Test
    void theCheckFailsAPodThatOnlyAParentMadeRestricted() throws IOException {
        Fixtures.needKubectl();
        Path dir = Files.createDirectories(Fixtures.LAYOUT.root().resolve("manifest-checks/target/bare-workload"));
        Files.writeString(dir.resolve("deployment.yaml"), read(Fixtures.LAYOUT.handWritten("echo-service").resolve("deployment.yaml"))
                .replace("            allowPrivilegeEscalation: false\n", ""));
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [deployment.yaml]\n");
        Fixtures.assertFinding(new PodSecurityCheck().check(Fixtures.LOADER.render(dir)),
                "[restricted/allowPrivilegeEscalation]");
    }

    /** The cluster-name component, as k8s/components/cluster-name/README.md uses it for a second cluster. */
    @Test
    void theClusterNameComponentNamesEveryContainerOfASecondCluster() throws IOException {
        Fixtures.needKubectl();
        Path dir = Files.createDirectories(Fixtures.LAYOUT.root().resolve("manifest-checks/target/cluster-b"));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources: [../../../k8s/overlays/kind, cluster.yaml]
                components: [../../../k8s/components/cluster-name]
                """);
        Files.writeString(dir.resolve("cluster.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: netpaths-cluster
                  annotations:
                    config.kubernetes.io/local-config: "true"
                data:
                  CLUSTER_NAME: netpaths-b
                """);
        List<Manifest> rendered = Fixtures.LOADER.render(dir);
        long containers = 0;
        for (PodTemplate t : PodTemplate.all(rendered)) {
            for (String list : List.of("containers", "initContainers")) {
                for (var c : t.spec().path(list)) {
                    containers++;
                    String name = "?";
                    for (var env : c.path("env")) {
                        if (env.path("name").asText().equals("CLUSTER_NAME")) {
                            name = env.path("value").asText();
                        }
                    }
                    assertEquals("netpaths-b", name, t.owner().id() + " " + c.path("name").asText());
                }
            }
        }
        assertTrue(containers >= 7, "echo, echo-v2, echo (netpaths-other), echo-restricted, caller, sidecar-demo app + sidecar: " + containers);
        assertTrue(rendered.stream().noneMatch(m -> m.name().equals("netpaths-cluster")), "local-config is not applied");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

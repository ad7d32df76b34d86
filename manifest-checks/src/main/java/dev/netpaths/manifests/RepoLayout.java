package dev.netpaths.manifests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where things are in the netpaths repository. */
public record RepoLayout(Path root) {

    /** The overlays under k8s/overlays/ that every check runs on. */
    public static final List<String> OVERLAYS = List.of("kind");

    /** The services whose hand-written objects under k8s/base/workloads/ the Quarkus extension's output checks. */
    public static final List<String> GENERATED_MODULES = List.of("echo-service", "caller-service", "sidecar-demo");

    /**
     * The repository root: system property {@code netpaths.repo.root} (set by the module's surefire
     * configuration), else the first directory upwards from the working directory holding
     * docs/architecture.md.
     */
    public static RepoLayout find() {
        String configured = System.getProperty("netpaths.repo.root");
        if (configured != null && !configured.isBlank() && isRoot(Path.of(configured))) {
            return new RepoLayout(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return new RepoLayout(dir);
            }
        }
        throw new ManifestException("cannot find the netpaths repository root (a directory with docs/architecture.md"
                + " and k8s/) from " + Path.of("").toAbsolutePath() + "; set -Dnetpaths.repo.root");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("docs/architecture.md")) && Files.isDirectory(dir.resolve("k8s"));
    }

    public Path overlay(String name) {
        return root.resolve("k8s/overlays").resolve(name);
    }

    public Path gatewayConfig() {
        return root.resolve("gateway-config");
    }

    /** The directory of a module's hand-written objects. */
    public Path handWritten(String module) {
        return root.resolve("k8s/base/workloads").resolve(module);
    }

    /** The module's build output, written by {@code mvn package}. */
    public Path builtGenerated(String module) {
        return root.resolve(module).resolve("target/kubernetes/kubernetes.yml");
    }

    public String relative(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }
}

package dev.netpaths.lab;

import dev.netpaths.lab.proc.Sh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The manifests the lab applies, as a user applies them to kind: {@code kubectl kustomize k8s/overlays/kind} plus the
 * files under gateway-config/{ingress,gateway-api,istio,metallb}; or explicit files/dirs ({@code --manifests}).
 */
public final class ManifestSource {
    static final List<String> GATEWAY_CONFIG = List.of("ingress", "gateway-api", "istio", "metallb");

    private ManifestSource() {
    }

    public static String render(Path repo, List<Path> explicit) {
        List<String> docs = new ArrayList<>();
        if (explicit.isEmpty()) {
            Path overlay = repo.resolve("k8s/overlays/kind");
            if (!Files.isDirectory(overlay)) {
                throw new LabException("no " + overlay + ": the lab deploys the kind overlay (or pass --manifests FILE)");
            }
            docs.add(Sh.run("kubectl", "kustomize", overlay.toString()));
            GATEWAY_CONFIG.forEach(d -> docs.addAll(yamlFiles(repo.resolve("gateway-config").resolve(d))));
        } else {
            explicit.forEach(p -> docs.addAll(yamlFiles(p)));
        }
        return String.join("\n---\n", docs);
    }

    /** The YAML files of a file or directory (recursively, sorted), kustomization files excluded: they are not objects. */
    static List<String> yamlFiles(Path p) {
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(p)) {
            List<String> out = new ArrayList<>();
            for (Path f : walk.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.ya?ml"))
                    .filter(f -> !f.getFileName().toString().startsWith("kustomization")).sorted().toList()) {
                out.add(Files.readString(f));
            }
            return out;
        } catch (IOException e) {
            throw new LabException("cannot read manifests under " + p + ": " + e.getMessage(), e);
        }
    }
}

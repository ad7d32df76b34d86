package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The lab's image store: on first use an image's {@code quarkus-app} directory is copied under the state dir and
 * every container of that image runs from the copy. Like a pulled image it no longer changes, so a rebuild of the
 * module while the lab runs cannot break a pod halfway through its start.
 */
public final class ImageStore {
    private final Path repo;
    private final Path dir;
    private final Map<String, Path> pulled = new HashMap<>();

    public ImageStore(Path repo, Path dir) {
        this.repo = repo;
        this.dir = dir;
    }

    /** The quarkus-run.jar to run for the image, copied from the build on first use. */
    public synchronized Path jar(String image) {
        String module = ImageJars.module(image);
        return pulled.computeIfAbsent(module, m -> {
            Path app = ImageJars.existingJar(repo, image).getParent();
            Path copy = dir.resolve(m);
            if (Files.isRegularFile(copy.resolve("quarkus-run.jar"))) {
                // pulled already (IfNotPresent): running pods use these files, which must not be rewritten under them
                return copy.resolve("quarkus-run.jar");
            }
            try (Stream<Path> walk = Files.walk(app)) {
                for (Path f : walk.toList()) {
                    Path target = copy.resolve(app.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                throw new LabException("cannot copy " + app + " for image " + image + " (is the module being rebuilt?): " + e.getMessage(), e);
            }
            return copy.resolve("quarkus-run.jar");
        });
    }
}

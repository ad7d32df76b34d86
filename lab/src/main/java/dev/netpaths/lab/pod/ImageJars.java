package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps a netpaths image to the jar the lab runs for it: {@code netpaths/<module>:<tag>} -> {@code <repo>/<module>/target/quarkus-app/quarkus-run.jar}. */
public final class ImageJars {
    private static final Pattern IMAGE = Pattern.compile("(?:[^/]+/)*netpaths/([a-z0-9][a-z0-9-]*)(?::[\\w.-]+)?(?:@sha256:[0-9a-f]+)?");

    private ImageJars() {
    }

    /** The module an image is built from, e.g. {@code echo-service}. */
    public static String module(String image) {
        Matcher m = IMAGE.matcher(image == null ? "" : image);
        if (!m.matches()) {
            throw new LabException("image '" + image + "' is not a netpaths image (netpaths/<module>:<tag>); the lab runs only the netpaths services and its own stand-ins");
        }
        return m.group(1);
    }

    public static Path jar(Path repo, String image) {
        return repo.resolve(module(image)).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The jar, which must exist (built with Maven). */
    public static Path existingJar(Path repo, String image) {
        Path jar = jar(repo, image);
        if (!Files.isRegularFile(jar)) {
            throw new LabException("no jar for image " + image + ": " + jar + " is missing; build it with "
                    + "`mvn -B -ntp -q -pl " + module(image) + " -am package -DskipTests` (or let scripts/lab/lab.sh build it)");
        }
        return jar;
    }
}

package dev.netpaths.lab.addons;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pins of scripts/versions.env, the one place netpaths pins versions, as the lab jar carries them (lab/pom.xml
 * copies the file into the jar). The lab reads them, it never repeats them: the add-on stand-ins name the images of
 * the releases pinned there ({@link ClusterAddons.Addon#image()}).
 */
public final class Pins {
    /** Where lab/pom.xml puts scripts/versions.env in the jar. */
    static final String RESOURCE = "versions.env";
    private static final Pattern PIN = Pattern.compile("^([A-Z0-9_]+)=(\\S+)$");
    private static volatile Map<String, String> bundled;

    private Pins() {
    }

    /** The value of pin {@code name}; an {@link IllegalStateException} naming the pin and the file when it is absent. */
    public static String get(String name) {
        return get(bundled(), name);
    }

    static String get(Map<String, String> pins, String name) {
        return Optional.ofNullable(pins.get(name)).orElseThrow(() -> new IllegalStateException(
                "scripts/versions.env (as built into the lab jar) pins no " + name + ": add it there, then rebuild the lab"));
    }

    /** The NAME=value lines of a versions.env text (comments and blank lines skipped), in name order. */
    static Map<String, String> parse(BufferedReader reader) throws IOException {
        Map<String, String> pins = new TreeMap<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            Matcher m = PIN.matcher(line);
            if (m.matches()) {
                pins.put(m.group(1), m.group(2));
            }
        }
        return pins;
    }

    private static Map<String, String> bundled() {
        Map<String, String> pins = bundled;
        if (pins == null) {
            try (InputStream in = Pins.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the lab jar carries no scripts/versions.env (lab/pom.xml copies it):"
                            + " rebuild the lab (./mvnw -pl lab -am package)");
                }
                pins = Map.copyOf(parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new UncheckedIOException("reading scripts/versions.env from the lab jar", e);
            }
            bundled = pins;
        }
        return pins;
    }
}

package dev.netpaths.lab.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The environment settings that shape a lab beyond lab.properties and its proxy mode ({@code LAB_CALICO}: Calico's
 * VXLAN or BGP; {@code INGRESS}: which NGINX controller), read from the environment by {@code up}, recorded in the
 * state dir, and read back from there by every later verb: a live verb run from another shell, or as
 * {@code make lab-scale} without the setting, rebuilds the lab's runtime as it was brought up, not as the default.
 */
public final class RecordedSettings {
    /** What {@code up} records. */
    public static final List<String> NAMES = List.of("LAB_CALICO", "INGRESS");
    private static final String FILE = "settings";

    private RecordedSettings() {
    }

    /** At {@code up}: NAME=VALUE for each of {@link #NAMES} the environment sets (an unset one is left out). */
    public static void record(Path stateDir, UnaryOperator<String> env) {
        StringBuilder text = new StringBuilder();
        NAMES.forEach(n -> Optional.ofNullable(env.apply(n)).ifPresent(v -> text.append(n).append('=').append(v).append('\n')));
        StateFiles.write(stateDir.resolve(FILE), text.toString());
    }

    /**
     * The value {@code up} recorded (null: unset then, whatever the environment says now); for a state dir without
     * the file (a lab brought up before it existed), the environment's.
     */
    public static String get(Path stateDir, String name, UnaryOperator<String> env) {
        Path f = stateDir.resolve(FILE);
        if (!Files.exists(f)) {
            return env.apply(name);
        }
        try {
            return Files.readAllLines(f).stream().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}

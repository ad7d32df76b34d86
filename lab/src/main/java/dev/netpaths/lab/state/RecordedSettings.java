package dev.netpaths.lab.state;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.dataplane.ProxyMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The environment settings that shape a lab beyond lab.properties ({@code LAB_PROXY_MODE}: kube-proxy's mode;
 * {@code LAB_CALICO}: Calico's VXLAN or BGP; {@code INGRESS}: which NGINX controller), read from the environment by
 * {@code up}, recorded in the state dir's {@code settings} file, and read back from there by every later verb
 * ({@code rules}, {@code case}, the live verbs, a resume): a verb run from another shell, or as {@code make lab-scale}
 * without the setting, sees the lab as it was brought up, not as its own environment says.
 */
public final class RecordedSettings {
    /** What {@code up} records, every one of them (an unset one as {@code NAME=}). */
    public static final List<String> NAMES = List.of(ProxyMode.SETTING, "LAB_CALICO", "INGRESS");
    static final String FILE = "settings";

    private RecordedSettings() {
    }

    /** At {@code up}: NAME=VALUE for each of {@link #NAMES}, NAME= for one the environment leaves unset. */
    public static void record(Path stateDir, UnaryOperator<String> env) {
        StringBuilder text = new StringBuilder();
        NAMES.forEach(n -> text.append(n).append('=').append(Optional.ofNullable(env.apply(n)).orElse("")).append('\n'));
        StateFiles.write(stateDir.resolve(FILE), text.toString());
    }

    /**
     * The value {@code up} recorded (null: unset or empty then, whatever the environment says now). A state dir
     * without the file, or whose file lacks the name, was written by an older lab: a {@link LabException} that says
     * to bring the lab up again, never a guess from the environment.
     */
    public static String get(Path stateDir, String name) {
        Path f = stateDir.resolve(FILE);
        String again = ": a lab brought up by an older netpaths-lab; bring it up again (scripts/lab/lab.sh down, then up)";
        if (!Files.exists(f)) {
            throw new LabException("no " + f + " (the settings up records)" + again);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(f);
        } catch (IOException e) {
            throw new LabException("cannot read " + f + ": " + e.getMessage(), e);
        }
        String value = lines.stream().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new LabException(f + " records no " + name + again));
        return value.isEmpty() ? null : value;
    }
}

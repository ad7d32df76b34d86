package dev.netpaths.lab.rootless;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where a lab keeps its journal, logs, CNI data, nginx prefixes and copied jars. Root labs keep the historical
 * {@code /run/netpaths-lab[-<prefix>]}. Rootless labs need a place the user can write that the lab's private
 * mounts do not hide: the namespace holder mounts a tmpfs on {@code /run} (so {@code ip netns add} can create
 * {@code /run/netns}), which hides {@code $XDG_RUNTIME_DIR} ({@code /run/user/<uid>}); so they use
 * {@code $XDG_STATE_HOME} (default {@code ~/.local/state}).
 */
public final class StateDirs {
    /** What the holder mounts over; a rootless state dir under one of these would vanish inside the lab. */
    private static final java.util.List<Path> HIDDEN_IN_ROOTLESS = java.util.List.of(Path.of("/run"), Path.of("/var/run"), Path.of("/etc/netns"));

    private StateDirs() {
    }

    /** The default state dir for this prefix; env reads the environment (HOME, XDG_STATE_HOME). */
    public static Path defaultFor(String prefix, boolean rootless, UnaryOperator<String> env) {
        String name = "np".equals(prefix) ? "netpaths-lab" : "netpaths-lab-" + prefix;
        if (!rootless) {
            return Path.of("/run", name);
        }
        String xdg = env.apply("XDG_STATE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, name);
        }
        String home = env.apply("HOME");
        if (home == null || !home.startsWith("/") || home.equals("/nonexistent")) {
            throw new IllegalArgumentException("rootless lab: no usable HOME or XDG_STATE_HOME for the state dir (HOME='" + home
                    + "'); give one with --state-dir or LAB_STATE_DIR=/some/dir/you/own");
        }
        return Path.of(home, ".local", "state", name);
    }

    /** Rejects a rootless state dir the holder's private mounts would hide. */
    public static void checkRootless(Path stateDir) {
        Path p = stateDir.toAbsolutePath().normalize();
        for (Path hidden : HIDDEN_IN_ROOTLESS) {
            if (p.startsWith(hidden)) {
                throw new IllegalArgumentException("rootless lab: the state dir " + stateDir + " is under " + hidden
                        + ", which the lab replaces with a private mount; use a dir under your home (the default) or /tmp");
            }
        }
    }
}

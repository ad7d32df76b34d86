package dev.netpaths.lab.rootless;

import java.util.Locale;

/**
 * {@code --rootless} / {@code LAB_ROOTLESS}: {@code auto} runs the lab rootless exactly when the caller is not root;
 * {@code yes} always (root too: the lab then lives in a user namespace of its own all the same); {@code no} never
 * (the lab then needs root, as before rootless mode existed).
 */
public enum RootlessMode {
    AUTO, YES, NO;

    public static RootlessMode parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("--rootless (LAB_ROOTLESS) must be auto, yes or no, got '" + s + "'");
        }
    }

    /** Whether this mode puts the lab in a user namespace of its own, for a caller that is (not) root. */
    public boolean rootless(boolean root) {
        return switch (this) {
            case AUTO -> !root;
            case YES -> true;
            case NO -> false;
        };
    }
}

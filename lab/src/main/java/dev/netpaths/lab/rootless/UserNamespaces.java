package dev.netpaths.lab.rootless;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Which user namespace a process is in, from /proc. */
public final class UserNamespaces {
    /** The uid_map of the initial user namespace: every uid maps to itself. */
    static final String IDENTITY_MAP = "0 0 4294967295";

    private UserNamespaces() {
    }

    /** {@code user:[inode]} of the process's user namespace, empty when it is gone (or not ours to read). */
    public static Optional<String> of(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "user")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The caller's own user namespace. */
    public static Optional<String> self() {
        return of(ProcessHandle.current().pid());
    }

    /**
     * True inside a user namespace that maps only some uids (a rootless lab's): there, programs that switch to
     * another user (dnsmasq drops to {@code nobody} by default) fail, because that user does not exist.
     */
    public static boolean insidePartialMapping() {
        try {
            return !isIdentityMap(Files.readString(Path.of("/proc/self/uid_map")));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isIdentityMap(String uidMap) {
        return uidMap.strip().replaceAll("\\s+", " ").equals(IDENTITY_MAP);
    }
}

package dev.netpaths.lab.state;

import dev.netpaths.lab.LabException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files of the state dir that others read while the lab runs (cluster.yaml for the harness and {@code status}, a
 * DNS pod's hosts file for dnsmasq, nginx.conf for a reload): written to a temporary file in the same directory,
 * then renamed over the old one ({@code rename(2)} is atomic within a file system), so a reader opens either the
 * whole old file or the whole new one, never a truncated or half-written one.
 */
public final class StateFiles {

    /** Numbers this process's temporary files, so two threads writing one file never share one. */
    private static final AtomicLong WRITES = new AtomicLong();

    private StateFiles() {
    }

    /** Replaces {@code file} with {@code text} atomically, creating its directory; no temporary file is left behind. */
    public static void write(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + WRITES.incrementAndGet() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

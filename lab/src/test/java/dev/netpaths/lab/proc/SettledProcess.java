package dev.netpaths.lab.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real process that a test may measure: {@code cat}, started and then waited for until it has echoed a line (so
 * exec and the dynamic loader are done and it runs its own code) and is blocked reading its stdin again (so its
 * pages stop changing). {@link ProcessBuilder#start()} returns as soon as exec succeeded, while ld.so is still
 * mapping and touching libc: a process measured then grows between two reads of /proc.
 */
final class SettledProcess {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final byte[] LINE = "ready\n".getBytes(StandardCharsets.US_ASCII);

    private SettledProcess() {
    }

    static Process start() throws IOException {
        Process cat = new ProcessBuilder("cat").start();
        try {
            OutputStream in = cat.getOutputStream();
            in.write(LINE);
            in.flush();
            awaitEcho(cat);
            awaitBlocked(cat.pid());
            return cat;
        } catch (IOException | RuntimeException | Error e) {
            cat.destroyForcibly();
            throw e;
        }
    }

    /** Bounded: polls for the echoed line rather than blocking on a read that might never return. */
    private static void awaitEcho(Process cat) throws IOException {
        InputStream out = cat.getInputStream();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (out.available() < LINE.length) {
            if (!cat.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("cat (pid " + cat.pid() + ") did not echo a line within " + BOUND);
            }
            pause();
        }
        out.readNBytes(LINE.length);
    }

    /** Waits, bounded, until /proc/PID/stat says S: cat sleeps in read(2) on its empty stdin. */
    private static void awaitBlocked(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            if (state == 'S') {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cat (pid " + pid + ") still in state " + state + " after " + BOUND);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for cat to settle", e);
        }
    }
}

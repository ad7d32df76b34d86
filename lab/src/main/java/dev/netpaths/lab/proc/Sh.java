package dev.netpaths.lab.proc;

import dev.netpaths.lab.LabException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs one short command to completion with a deadline; every tool the lab drives (ip, iptables, CNI plugins) goes through here. */
public final class Sh {
    /** What a finished command printed. */
    public record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /**
     * Pipe readers get threads of their own: on the common pool (one thread on 2 cores) a reader queued behind
     * another could leave a command blocked on a full pipe until its timeout.
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sh-reader");
        t.setDaemon(true);
        return t;
    });

    private Sh() {
    }

    /** Runs the command and fails with its stderr when it exits non-zero. */
    public static String run(String... cmd) {
        return check(exec(null, List.of(), DEFAULT_TIMEOUT, cmd), cmd);
    }

    /** Runs the command with the given stdin and environment additions; fails on a non-zero exit. */
    public static String runWith(String stdin, List<String> env, String... cmd) {
        return check(exec(stdin, env, DEFAULT_TIMEOUT, cmd), cmd);
    }

    /** Runs the command and returns its result whatever the exit code (for probes and best-effort cleanup). */
    public static Result tryRun(Duration timeout, String... cmd) {
        return exec(null, List.of(), timeout, cmd);
    }

    /** Runs the command with stdin and environment additions, whatever the exit code. */
    public static Result exec(String stdin, List<String> env, Duration timeout, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LabException("cannot start " + cmd[0] + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()), READERS);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), READERS);
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command exited without reading its stdin; its exit code and stderr say why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                return new Result(124, out.getNow(""), "timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), out.get(2, TimeUnit.SECONDS), err.get(2, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new LabException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    private static String check(Result r, String... cmd) {
        if (!r.ok()) {
            String msg = (r.err().isBlank() ? r.out() : r.err()).strip();
            throw new LabException("`" + String.join(" ", cmd) + "` failed (exit " + r.exit() + "): " + msg);
        }
        return r.out();
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code ip netns exec NS cmd...} as one argument vector. */
    public static String[] inNs(String netns, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        all.addAll(List.of(cmd));
        return all.toArray(String[]::new);
    }
}

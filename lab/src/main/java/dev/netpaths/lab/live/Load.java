package dev.netpaths.lab.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Constant load over several paths, one request at a time per path, each on a new TCP connection (so every
 * request is a fresh choice of kube-proxy's DNAT, as a new client's would be), counting every outcome. Runs until
 * its stdin closes (the driver holds it), then prints the first failures of each path ({@code FAILURE path HH:MM:SS.sss
 * outcome after N ms}, UTC) and one line per path: {@code RESULT path total ok outcome=count...}.
 *
 * Each path is warmed up first ({@link #warmUp}, not counted).
 *
 * <p>Usage: {@code java -cp netpaths-lab.jar dev.netpaths.lab.live.Load INTERVAL_MS NAME=URL[|HOST[|MUST_CONTAIN]] ...}.
 * A request succeeds when the answer is HTTP 200 and, where given, its body contains MUST_CONTAIN (the caller's
 * {@code "ok":true} for its own request through the ClusterIP).
 */
public final class Load {
    /** Failures listed one by one per path (all are counted). */
    static final int MAX_FAILURES_SHOWN = 20;

    record Target(String name, URI uri, String host, String mustContain) {
    }

    /** One path's tally: outcome to count. */
    static final class Tally {
        final AtomicLong total = new AtomicLong();
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        /** The first failures, each with its wall-clock time and how long it took, to lay beside the rollout's log. */
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        void count(String outcome) {
            total.incrementAndGet();
            outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }

        long ok() {
            return outcomes.getOrDefault("ok", new AtomicLong()).get();
        }

        String line(String name) {
            Map<String, Long> sorted = new TreeMap<>();
            outcomes.forEach((k, v) -> sorted.put(k, v.get()));
            StringBuilder b = new StringBuilder(name + " " + total.get() + " " + ok());
            sorted.forEach((k, v) -> {
                if (!k.equals("ok")) {
                    b.append(' ').append(k).append('=').append(v);
                }
            });
            return b.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        long interval = Long.parseLong(args[0]);
        List<Target> targets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] nv = args[i].split("=", 2);
            String[] parts = nv[1].split("\\|", -1);
            targets.add(new Target(nv[0], URI.create(parts[0]), parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null,
                    parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Tally> tallies = new TreeMap<>();
        Map<String, String> warmUps = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(targets.size());
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Target t : targets) {
            Tally tally = new Tally();
            tallies.put(t.name(), tally);
            Thread th = new Thread(() -> {
                warmUps.put(t.name(), warmUp(t));
                warm.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (!stop.get()) {
                    long started = System.nanoTime();
                    String outcome = once(t);
                    tally.count(outcome);
                    if (!outcome.equals("ok") && tally.failures.size() < MAX_FAILURES_SHOWN) {
                        tally.failures.add("FAILURE " + t.name() + " " + java.time.LocalTime.now(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                                + " " + outcome + " after " + (System.nanoTime() - started) / 1_000_000 + " ms");
                    }
                    long rest = interval - (System.nanoTime() - started) / 1_000_000;
                    if (rest > 0) {
                        try {
                            Thread.sleep(rest);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, t.name());
            threads.add(th);
            th.start();
        }
        warm.await(WARM_UP_MS + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        go.countDown();
        System.out.println("load: started " + targets.size() + " paths (warm-up, not counted: " + new TreeMap<>(warmUps) + ")");
        System.out.flush();
        // the driver closes our stdin to stop us (also when it dies: the pipe closes)
        while (System.in.read() >= 0) {
            // nothing to read; wait for EOF
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join(5000);
        }
        tallies.values().forEach(tally -> tally.failures.forEach(System.out::println));
        tallies.forEach((name, tally) -> System.out.println("RESULT " + tally.line(name)));
    }

    /** The longest warm-up of a path. */
    static final long WARM_UP_MS = 60_000;

    /**
     * Requests until one is answered ok, at most {@link #WARM_UP_MS}, before anything is counted: the first call
     * through a caller pod that has served none yet runs its JVM's cold code (class loading, JIT) and took 5.1 s on a
     * loaded machine (weave, load 41), before the rollout had begun. A path that never answers is not excused: its
     * counted requests fail. Says how many requests and how long it took, or that it never answered.
     */
    static String warmUp(Target t) {
        long start = System.nanoTime();
        String first = null;
        for (int n = 1; ; n++) {
            long tried = System.nanoTime();
            String outcome = once(t);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (first == null) {
                first = outcome + " after " + ms + " ms";
            }
            if (outcome.equals("ok")) {
                return n == 1 ? "ok after " + ms + " ms" : "ok after " + n + " requests, " + ms + " ms (the first: " + first + ")";
            }
            if (ms >= WARM_UP_MS) {
                return "never ok in " + ms + " ms (" + n + " requests, the last: " + outcome + ")";
            }
            long rest = 200 - (System.nanoTime() - tried) / 1_000_000;
            if (rest > 0) {
                try {
                    Thread.sleep(rest);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
            }
        }
    }

    /** A request not answered within this is lost (read-timeout). */
    static final int READ_TIMEOUT_MS = 3000;
    /**
     * How long a path through the caller is still read after {@link #READ_TIMEOUT_MS}, only to say what the late
     * answer was (the caller bounds its own DNS and its call at 2 s each): still counted as a read-timeout.
     */
    static final int LATE_MS = 3000;

    /**
     * One request on a new connection; the outcome: ok, http-NNN, wrong-body, caller-KIND, refused, connect-timeout,
     * read-timeout (through the caller: read-timeout/WHAT-IT-BECAME when the late answer came), reset, eof.
     */
    static String once(Target t) {
        URI u = t.uri();
        int port = u.getPort() > 0 ? u.getPort() : 80;
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(u.getHost(), port), 2000);
            } catch (SocketTimeoutException e) {
                return "connect-timeout";
            } catch (ConnectException e) {
                return "refused";
            }
            boolean late = t.mustContain() != null;
            s.setSoTimeout(late ? READ_TIMEOUT_MS + LATE_MS : READ_TIMEOUT_MS);
            String path = u.getRawPath() + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
            OutputStream out = s.getOutputStream();
            long sent = System.nanoTime();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + (t.host() != null ? t.host() : u.getHost())
                    + "\r\nConnection: close\r\nUser-Agent: netpaths-lab-load\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String outcome;
            try {
                outcome = answer(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)), t);
            } catch (SocketTimeoutException e) {
                return "read-timeout";
            }
            return late && System.nanoTime() - sent > READ_TIMEOUT_MS * 1_000_000L ? "read-timeout/" + outcome : outcome;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "io-" + e.getClass().getSimpleName();
        }
    }

    /** The outcome of one answer, read to its end. */
    private static String answer(BufferedReader in, Target t) throws IOException {
        String status = in.readLine();
        if (status == null) {
            return "eof";
        }
        String[] f = status.split(" ");
        if (f.length < 2 || !f[1].equals("200")) {
            return "http-" + (f.length > 1 ? f[1] : "?");
        }
        StringBuilder body = new StringBuilder();
        char[] buf = new char[4096];
        int n;
        while ((n = in.read(buf)) >= 0 && body.length() < 200_000) {
            body.append(buf, 0, n);
        }
        if (t.mustContain() == null || body.indexOf(t.mustContain()) >= 0) {
            return "ok";
        }
        // the caller's own error kind (CONNECT_REFUSED, RESET, DNS...), when the body names one
        java.util.regex.Matcher kind = java.util.regex.Pattern.compile("\"kind\":\"([A-Z_]+)\"").matcher(body);
        return kind.find() ? "caller-" + kind.group(1) : "wrong-body";
    }
}

package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Constant load over several paths while something happens (the disruption group: a rollout): per path one request
 * at a time, one every {@code interval}, each a single try on a new connection (the harness's own probes: a host
 * try or a caller's {@code /call} with one try), so every request is a fresh choice of kube-proxy's DNAT and of the
 * entry point's upstream. Each path is warmed up first (not counted): requests until one is answered, at most
 * {@code warmUp}; the first call through a caller that has served none yet runs its JVM's cold code (5.1 s once on
 * a loaded machine, before any rollout). Then {@code settle} of load alone, the action, {@code settle} again; every
 * request of that span is counted. A request is lost unless echo answered it (status below 400, echo's JSON).
 */
public final class Load {

    /** Failures kept one by one per path, with their time (all are counted). */
    public static final int FAILURES_SHOWN = 20;

    private Load() {}

    /** One request on a path: a single try; never throws (a caller that could not be asked is a failed try). */
    @FunctionalInterface
    public interface Request {
        Attempt once();
    }

    /**
     * One path's count: its warm-up, every counted try, and the first failures ({@code HH:MM:SS.sss UTC KIND after N
     * ms}), to lay beside the rollout's times.
     */
    public record Tally(String path, String warmUp, List<Attempt> attempts, List<String> failures) {
        public long lost() {
            return attempts.stream().filter(a -> !served(a)).count();
        }
    }

    /** Whether echo answered the try: the one outcome that is not a lost request. */
    public static boolean served(Attempt a) {
        return a.ok() && a.served() != null;
    }

    /** What a lost try was: its error kind, or the HTTP status, or "not echo" for an answer from something else. */
    public static String outcome(Attempt a) {
        if (served(a)) {
            return "ok";
        }
        if (a.error() == ErrorKind.HTTP_STATUS && a.status() != null) {
            return "HTTP_" + a.status();
        }
        return a.error() != null ? a.error().name() : "NOT_ECHO";
    }

    /**
     * Runs the load on {@code paths} (name → request), then {@code action} after {@code settle}, then {@code settle}
     * again; returns every path's tally in the order given. {@code action}'s exception is rethrown after the load
     * has stopped.
     */
    public static Map<String, Tally> during(Map<String, Request> paths, Duration interval, Duration settle,
                                            Duration warmUp, Runnable action) {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warm = new CountDownLatch(paths.size());
        CountDownLatch go = new CountDownLatch(1);
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Map<String, String[]> warmUps = new LinkedHashMap<>();
        List<Thread> threads = new ArrayList<>();
        paths.forEach((name, request) -> {
            List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            String[] warmed = {"not warmed up"};
            warmUps.put(name, warmed);
            tallies.put(name, null);
            Thread t = new Thread(() -> {
                warmed[0] = warmUp(request, warmUp);
                warm.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (!stop.get()) {
                    long started = System.nanoTime();
                    Attempt a = request.once();
                    attempts.add(a);
                    if (!served(a) && failures.size() < FAILURES_SHOWN) {
                        failures.add(LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS) + " UTC " + outcome(a)
                                + " after " + (System.nanoTime() - started) / 1_000_000 + " ms");
                    }
                    long rest = interval.toMillis() - (System.nanoTime() - started) / 1_000_000;
                    if (rest > 0 && !sleep(rest)) {
                        return;
                    }
                }
            }, "load-" + name);
            t.setDaemon(true);
            threads.add(t);
            tallies.put(name, new Tally(name, null, attempts, failures));
        });
        threads.forEach(Thread::start);
        RuntimeException failed = null;
        try {
            // bounded: a path still warming up after this starts counting late, its failures counted from then on
            warm.await(warmUp.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            go.countDown();
            sleep(settle.toMillis());
            try {
                action.run();
            } catch (RuntimeException e) {
                failed = e;
            }
            sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            go.countDown();
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Map<String, Tally> done = new LinkedHashMap<>();
        tallies.forEach((name, tally) -> {
            synchronized (tally.attempts()) {
                done.put(name, new Tally(name, warmUps.get(name)[0], List.copyOf(tally.attempts()),
                        List.copyOf(tally.failures())));
            }
        });
        if (failed != null) {
            throw failed;
        }
        return done;
    }

    /**
     * Requests until one is served, at most {@code budget}, before anything is counted; says how it went. A path that
     * never answers is not excused: its counted requests fail.
     */
    static String warmUp(Request request, Duration budget) {
        long start = System.nanoTime();
        String first = null;
        for (int n = 1; ; n++) {
            long tried = System.nanoTime();
            Attempt a = request.once();
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (first == null) {
                first = outcome(a) + " after " + ms + " ms";
            }
            if (served(a)) {
                return n == 1 ? "ok after " + ms + " ms" : "ok after " + n + " requests, " + ms + " ms (the first: "
                        + first + ")";
            }
            if (ms >= budget.toMillis()) {
                return "never ok in " + ms + " ms (" + n + " requests, the last: " + outcome(a) + ")";
            }
            long rest = 200 - (System.nanoTime() - tried) / 1_000_000;
            if (rest > 0 && !sleep(rest)) {
                return "interrupted";
            }
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

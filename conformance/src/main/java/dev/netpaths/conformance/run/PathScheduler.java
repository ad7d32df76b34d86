package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.probe.ProbeException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs paths in one measuring lane, and waits out the convergence windows of failing paths beside it.
 *
 * <p>Every probe that is a path's measurement runs in the calling thread (the lane), one at a time, in order. A
 * converging (external) path whose poll fails is handed to a waiter thread of its own, which pauses and polls it
 * until its streak converges or its window is over, exactly as {@link PathRunner#run} would in the lane; the lane
 * goes on with the next path meanwhile. A path that converges there is measured again in the lane
 * ({@link PathRunner#measure}); one whose window ran out gets the verdict {@link PathRunner#run} gives it. So a run
 * with N broken external paths waits about one window for them all, not N windows one after the other, and every
 * verdict and likely cause is the one the sequential run gives. What runs beside the lane is only the polls of
 * paths that failed a poll: a refused or dropped try, or an error answer, every {@value PathRunner#POLL_INTERVAL_MS}
 * ms.
 *
 * <p>Results are handed out in the paths' order, each as soon as it and every path before it have one.
 */
final class PathScheduler {

    /**
     * What a path came to: the runner's result, or the error of a caller that could not be asked, or the
     * exception of a harness defect; {@link #NOTHING} for a path with nothing to probe. {@code millis}: from the
     * path's start in the lane until its verdict (a wait beside the lane included).
     */
    record Outcome(PathRunner.Result result, ProbeException probeError, RuntimeException crash, long millis) {
        static final Outcome NOTHING = new Outcome(null, null, null);

        Outcome(PathRunner.Result result, ProbeException probeError, RuntimeException crash) {
            this(result, probeError, crash, 0);
        }

        Outcome took(long startNanos, long endNanos) {
            return new Outcome(result, probeError, crash, Math.max(0, (endNanos - startNanos) / 1_000_000));
        }
    }

    /** Receives each path's outcome, in the paths' order. */
    interface Finished {
        void accept(int index, Outcome outcome);
    }

    /** A waiter's end, for the lane. */
    private record Done(int index, PathRunner.Waiting waiting, PathRunner.Waited waited, RuntimeException crash,
                        long endNanos) {}

    /** How long the lane waits for the next waiter beyond a window (a caller's call may add its own timeout). */
    static final long GRACE_MS = 60_000;

    private final PathRunner runner;
    private final long windowMs;

    PathScheduler(PathRunner runner, int convergeSeconds) {
        this.runner = runner;
        this.windowMs = convergeSeconds * 1000L;
    }

    /**
     * @param paths    the paths in order; a null entry has nothing to probe (its outcome is {@link Outcome#NOTHING})
     * @param started  told, in the lane, as each path starts
     * @param finished told, in the lane and in order, each path's outcome
     */
    void run(List<PathInstance> paths, IntConsumer started, Finished finished) {
        int n = paths.size();
        Outcome[] outcomes = new Outcome[n];
        long[] starts = new long[n];
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService waiters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "netpaths-converge-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int waiting = 0;
        int next = 0;
        try {
            for (int i = 0; i < n; i++) {
                for (Done d = done.poll(); d != null; d = done.poll()) {
                    outcomes[d.index] = settle(d).took(starts[d.index], d.waited != null && d.waited.converged()
                            ? System.nanoTime() : d.endNanos);
                    waiting--;
                }
                next = handOut(next, outcomes, finished);
                started.accept(i);
                starts[i] = System.nanoTime();
                PathInstance path = paths.get(i);
                if (path == null) {
                    outcomes[i] = Outcome.NOTHING;
                } else {
                    try {
                        PathRunner.Started s = runner.start(path);
                        if (s.waiting() == null) {
                            outcomes[i] = new Outcome(s.result(), null, null).took(starts[i], System.nanoTime());
                        } else {
                            int index = i;
                            PathRunner.Waiting w = s.waiting();
                            waiters.execute(() -> {
                                try {
                                    PathRunner.Waited waited = runner.waitOut(w);
                                    done.add(new Done(index, w, waited, null, System.nanoTime()));
                                } catch (RuntimeException e) {
                                    done.add(new Done(index, w, null, e, System.nanoTime()));
                                }
                            });
                            waiting++;
                        }
                    } catch (ProbeException e) {
                        outcomes[i] = new Outcome(null, e, null).took(starts[i], System.nanoTime());
                    } catch (RuntimeException e) {
                        outcomes[i] = new Outcome(null, null, e).took(starts[i], System.nanoTime());
                    }
                }
                next = handOut(next, outcomes, finished);
            }
            while (waiting > 0) {
                Done d = done.poll(windowMs + GRACE_MS, TimeUnit.MILLISECONDS);
                if (d == null) {
                    break; // bounded: what is still out fails below, naming the wait
                }
                outcomes[d.index] = settle(d).took(starts[d.index], d.waited != null && d.waited.converged()
                        ? System.nanoTime() : d.endNanos);
                waiting--;
                next = handOut(next, outcomes, finished);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiters.shutdownNow();
        }
        for (int i = next; i < n; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = new Outcome(null, null, new IllegalStateException("the wait for this path to converge "
                        + "did not end within " + (windowMs + GRACE_MS) / 1000 + " s"));
            }
        }
        handOut(next, outcomes, finished);
    }

    /** A waiter's end as an outcome; a path that converged is measured here, in the lane. */
    private Outcome settle(Done d) {
        if (d.crash != null) {
            return new Outcome(null, null, d.crash);
        }
        if (d.waited.error() != null) {
            return new Outcome(null, d.waited.error(), null);
        }
        if (!d.waited.converged()) {
            return new Outcome(d.waited.result(), null, null);
        }
        try {
            return new Outcome(runner.measure(d.waiting), null, null);
        } catch (ProbeException e) {
            return new Outcome(null, e, null);
        } catch (RuntimeException e) {
            return new Outcome(null, null, e);
        }
    }

    private static int handOut(int next, Outcome[] outcomes, Finished finished) {
        while (next < outcomes.length && outcomes[next] != null) {
            finished.accept(next, outcomes[next]);
            next++;
        }
        return next;
    }
}

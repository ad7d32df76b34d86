package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Evaluator;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.discovery.Rollout;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.HostProbe;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/** Probes one path and judges it; paths through entry points get a bounded wait to converge. */
public final class PathRunner {

    private final CallerChannel channel;
    private final Environment.Settings settings;

    private final LongConsumer pause;
    private final DisruptionRunner disruptions;

    public PathRunner(CallerChannel channel, Environment.Settings settings) {
        this(channel, settings, PathRunner::sleep);
    }

    /**
     * @param rollout  how the disruption group rolls a Deployment (null: it cannot here, its rows FAIL saying so)
     * @param progress where the disruption group says what it does as it goes (null: nowhere)
     */
    public PathRunner(CallerChannel channel, Environment.Settings settings, Rollout rollout, PrintWriter progress) {
        this(channel, settings, PathRunner::sleep, new DisruptionRunner(rollout, progress));
    }

    /** @param pause how a pause of so many milliseconds is waited out (tests record them) */
    PathRunner(CallerChannel channel, Environment.Settings settings, LongConsumer pause) {
        this(channel, settings, pause, new DisruptionRunner(null, null));
    }

    PathRunner(CallerChannel channel, Environment.Settings settings, LongConsumer pause,
               DisruptionRunner disruptions) {
        this.channel = channel;
        this.settings = settings;
        this.pause = pause;
        this.disruptions = disruptions;
    }

    /**
     * The last observation and its problems (empty = passed); {@code runs} probes were made; {@code note}: what the
     * measurement adds to the path's note (null: nothing).
     */
    public record Result(Observation observation, List<String> problems, int runs, String note) {
        public Result(Observation observation, List<String> problems, int runs) {
            this(observation, problems, runs, null);
        }

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    public Result run(PathInstance path) throws ProbeException {
        if (!converges(path)) {
            return once(path);
        }
        Waiting w = new Waiting(path, System.nanoTime() + settings.convergeSeconds() * 1_000_000_000L);
        return conclude(w, poll(w, false), true);
    }

    /**
     * How the measuring lane starts a path (run/PathScheduler): a verdict, or, for a converging path whose poll
     * failed, a {@link Waiting} with the rest of its window to be waited out by {@link #waitOut} off the lane. A
     * path that needs no wait is run exactly as {@link #run} runs it.
     */
    public Started start(PathInstance path) throws ProbeException {
        if (!converges(path)) {
            return new Started(once(path), null);
        }
        Waiting w = new Waiting(path, System.nanoTime() + settings.convergeSeconds() * 1_000_000_000L);
        Step step = poll(w, true);
        return step == Step.FAILED ? new Started(null, w) : new Started(conclude(w, step, true), null);
    }

    /** Either a verdict or a wait to hand off. */
    public record Started(Result result, Waiting waiting) {}

    /**
     * Waits out the rest of a handed-off window (any thread; nothing here is a measurement): the pause after the
     * failed poll, then polls as {@link #run} does. Converged: {@link Waited#converged()}, and the lane measures
     * the path with {@link #measure} (the streak's probes ran beside the lane's). Not converged: the verdict
     * {@link #run} gives a path whose window ran out, or the error when the caller itself could not be asked.
     */
    public Waited waitOut(Waiting w) {
        Step step = poll(w, false);
        if (step == Step.CONVERGED) {
            return new Waited(null, true, null);
        }
        try {
            return new Waited(conclude(w, step, false), false, null);
        } catch (ProbeException e) {
            return new Waited(null, false, e);
        }
    }

    /** How a wait ended: {@code converged} (to be measured in the lane), a verdict, or the caller's error. */
    public record Waited(Result result, boolean converged, ProbeException error) {}

    /** The measuring probe of a path that converged off the lane: all its tries, judged like any probe. */
    public Result measure(Waiting w) throws ProbeException {
        Observation measured = observe(w.path.request(), HostProbe.Budget.NONE);
        return new Result(measured, Evaluator.problems(w.path.expect(), measured, tries(w.path.request())),
                w.runs + 1);
    }

    /** A path's convergence window and how far its polls got; used by one thread at a time. */
    public static final class Waiting {
        final PathInstance path;
        final long deadline;
        Result last;
        ProbeException error;
        int streak;
        int runs;
        boolean afterFailure;

        Waiting(PathInstance path, long deadline) {
            this.path = path;
            this.deadline = deadline;
        }

        public PathInstance path() {
            return path;
        }
    }

    /** CONVERGED: a streak; FAILED: a poll failed (handed off); OVER: the window ran out; NO_ENDPOINT: see {@link #cannotConverge}. */
    private enum Step { CONVERGED, FAILED, OVER, NO_ENDPOINT }

    private Result once(PathInstance path) throws ProbeException {
        Request request = path.request();
        if (request instanceof Request.Disruption d) {
            return disruptions.run(path, d, r -> observe(r, HostProbe.Budget.NONE));
        }
        if (request instanceof Request.CallerHttp r && failedTryFails(path.expect())) {
            // The verdict is FAILED from the first failed try on; a caller whose first tries all failed stops
            // there, instead of waiting out a timeout on each of the rest (a Service without endpoints answers UDP
            // with the node's ICMP port unreachable, which the kernel rate-limits: net.ipv4.icmp_ratelimit).
            request = new Request.CallerHttp(r.caller(), r.call().stoppingAfterFailures(ESTABLISHED_FAILURES));
        }
        Observation o = observe(request, HostProbe.Budget.NONE);
        return new Result(o, Evaluator.problems(path.expect(), o, tries(path.request())), 1);
    }

    /** How many failed tries in a row, with none answered before them, establish that a path is down. */
    static final int ESTABLISHED_FAILURES = 3;

    /**
     * Whether any failed try fails the path (Evaluator: every try must be answered), so tries after the failure
     * is established cannot change the verdict. Not so for an expected failure (every try asked for must show it),
     * an entry point's own status (its tries must all be counted) or a rate limit (a refused try is the proof).
     */
    static boolean failedTryFails(Expect expect) {
        return switch (expect.outcome()) {
            case ANSWERED, REACHABLE, SPLIT, LOCALHOST_ROUNDTRIP, HAIRPIN, STICKY -> true;
            case FAILS, STATUS_NOT_FROM_ECHO, RATE_LIMITED, RESOLVES, NO_REQUEST_LOST, REQUESTS_LOST -> false;
        };
    }

    /**
     * Polls until a streak converges or the window is over; with {@code handOff}, returns at the first failed
     * poll instead of pausing (the pause and the rest of the window are the waiter's).
     */
    private Step poll(Waiting w, boolean handOff) {
        // A bounded wait (nothing is interrupted): each poll stops at its first failed try and is cut to the time
        // left, so a dropped path costs one timeout per poll and the wait never outlives the window. As Gateway
        // API conformance's AwaitConvergence (kubernetes-sigs/gateway-api conformance/utils/http/http.go): only a
        // failed poll is followed by a pause, a passing one by the next poll at once, so a healthy path costs its
        // streak's probes and nothing more.
        while (true) {
            if (w.afterFailure) {
                if (handOff) {
                    return Step.FAILED;
                }
                long millis = Math.min(POLL_INTERVAL_MS, (w.deadline - System.nanoTime()) / 1_000_000);
                if (millis > 0) {
                    pause.accept(millis);
                }
                w.afterFailure = false;
            }
            if (w.deadline - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
                return Step.OVER;
            }
            try {
                Observation o = observe(w.path.request(), new HostProbe.Budget(w.deadline, true));
                if (o.attempts().isEmpty() && o.resolved().isEmpty() && o.resolveError() == null) {
                    return Step.OVER; // no time was left for a single try: the window is over
                }
                w.runs++;
                w.last = new Result(o, Evaluator.problems(w.path.expect(), o, o.attempts().size()), w.runs);
                w.error = null;
                w.streak = w.last.passed() ? w.streak + 1 : 0;
                if (w.streak >= settings.convergeStreak()) {
                    return Step.CONVERGED;
                }
                if (w.last.passed()) {
                    continue; // the next poll of the streak at once
                }
                if (cannotConverge(w.path, o)) {
                    return Step.NO_ENDPOINT;
                }
            } catch (ProbeException e) {
                w.error = e;
            }
            w.afterFailure = true;
        }
    }

    /**
     * The verdict of a wait. Converged: the streak's last probe came straight after the others, its tries back to
     * back; it is the measurement when it made all its tries and {@code lastMeasures} (it ran in the lane). Any
     * other gets a full measuring probe after it, judged like any probe (a path that fails here still fails).
     */
    private Result conclude(Waiting w, Step step, boolean lastMeasures) throws ProbeException {
        if (step == Step.CONVERGED) {
            return lastMeasures && w.last.observation().attempts().size() >= tries(w.path.request()) ? w.last
                    : measure(w);
        }
        if (step == Step.NO_ENDPOINT) {
            List<String> problems = new ArrayList<>(w.last.problems());
            problems.add("no convergence window: " + w.path.noEndpoint() + ", and nothing answered");
            return new Result(w.last.observation(), problems, w.runs);
        }
        if (w.last == null) {
            if (w.error != null) {
                throw w.error; // the caller itself could not be asked: the engine names that
            }
            return new Result(null, List.of("no probe finished within " + settings.convergeSeconds() + " s"),
                    w.runs);
        }
        List<String> problems = new ArrayList<>(w.last.problems());
        problems.add("not " + settings.convergeStreak() + " consecutive successes within "
                + settings.convergeSeconds() + " s (" + w.runs + " runs)");
        return new Result(w.last.observation(), problems, w.runs);
    }

    /**
     * Whether a failed poll settles a converging path at once: discovery found that the Service the path ends at has
     * no ready endpoint and none is coming ({@link PathInstance#noEndpoint()}), and the poll agrees: it got no answer
     * at all, every try {@link #saysNoEndpoint says} there is nothing behind the path. A window waits for rules to
     * catch up with what the API says; here the API says there is nothing to catch up with, so no poll could pass
     * (as long as nobody changes the cluster during the run). A try an echo pod answered, or an error of another kind
     * (a 404 or 500 of the entry point, DNS, TLS), keeps the window.
     */
    static boolean cannotConverge(PathInstance path, Observation o) {
        return path.noEndpoint() != null && !o.attempts().isEmpty()
                && o.attempts().stream().allMatch(PathRunner::saysNoEndpoint);
    }

    /**
     * A try that failed as a path with nothing behind it fails: nothing answered (refused, timed out, reset,
     * unreachable), or a proxy said it had no upstream to send it to (502, 503, 504, not from echo).
     */
    static boolean saysNoEndpoint(dev.netpaths.conformance.probe.Attempt a) {
        if (a.ok() || a.served() != null || a.error() == null) {
            return false;
        }
        return dev.netpaths.wire.ErrorKind.NO_ANSWER.contains(a.error())
                || a.error() == dev.netpaths.wire.ErrorKind.HTTP_STATUS && a.status() != null
                        && NO_UPSTREAM_STATUSES.contains(a.status());
    }

    /** What a proxy answers when it has no upstream for a route: Bad Gateway, Service Unavailable, Gateway Timeout. */
    static final java.util.Set<Integer> NO_UPSTREAM_STATUSES = java.util.Set.of(502, 503, 504);

    /** The pause after a failed poll. */
    static final long POLL_INTERVAL_MS = 500;

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many tries a request asks for (the count an expected failure must show). */
    static int tries(Request request) {
        if (request instanceof Request.CallerHttp r) {
            return r.call().tries();
        }
        if (request instanceof Request.HostHttp r) {
            return r.tries();
        }
        if (request instanceof Request.HostUdp r) {
            return r.tries();
        }
        return 0;
    }

    /**
     * Only external and cross-cluster paths wait: announcements (MetalLB) and proxy configuration converge after
     * the pods are ready; a split is measured once over its 500 requests, and expected failures are not retried.
     */
    static boolean converges(PathInstance path) {
        boolean external = path.request() instanceof Request.HostHttp || path.request() instanceof Request.HostUdp
                || "peer".equals(path.to());
        return external && path.expect().positive() && path.expect().outcome() != Expect.Outcome.SPLIT;
    }

    /** One probe; a caller's tries are fitted to the budget's time left (the caller cannot stop early). */
    Observation observe(Request request, HostProbe.Budget budget) throws ProbeException {
        if (request instanceof Request.CallerHttp r) {
            CallRequest call = r.call();
            if (budget.deadlineNanos() != Long.MAX_VALUE) {
                long left = Math.max(1, (budget.deadlineNanos() - System.nanoTime()) / 1_000_000);
                int timeout = (int) Math.min(call.timeoutMs(), left);
                int tries = (int) Math.max(1, Math.min(call.tries(), left / Math.max(1, timeout)));
                call = new CallRequest(call.url(), tries, timeout, call.headers());
            }
            return channel.call(r.caller(), call);
        }
        if (request instanceof Request.CallerResolve r) {
            return channel.resolve(r.caller(), r.name());
        }
        if (request instanceof Request.HostHttp r) {
            return HostProbe.http(r.ip(), r.port(), r.path(), r.hostHeader(), r.headers(), r.tries(),
                    Duration.ofMillis(r.timeoutMs()), budget);
        }
        Request.HostUdp r = (Request.HostUdp) request;
        return HostProbe.udp(r.ip(), r.port(), r.tries(), Duration.ofMillis(r.timeoutMs()), budget);
    }
}

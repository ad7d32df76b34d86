package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Evaluator;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.HostProbe;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/** Probes one path and judges it; paths through entry points get a bounded wait to converge. */
public final class PathRunner {

    private final CallerChannel channel;
    private final Environment.Settings settings;

    private final LongConsumer pause;

    public PathRunner(CallerChannel channel, Environment.Settings settings) {
        this(channel, settings, PathRunner::sleep);
    }

    /** @param pause how a pause of so many milliseconds is waited out (tests record them) */
    PathRunner(CallerChannel channel, Environment.Settings settings, LongConsumer pause) {
        this.channel = channel;
        this.settings = settings;
        this.pause = pause;
    }

    /** The last observation and its problems (empty = passed); {@code runs} probes were made. */
    public record Result(Observation observation, List<String> problems, int runs) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    public Result run(PathInstance path) throws ProbeException {
        if (!converges(path)) {
            Observation o = observe(path.request(), HostProbe.Budget.NONE);
            return new Result(o, Evaluator.problems(path.expect(), o, tries(path.request())), 1);
        }
        // A bounded wait in this thread (nothing is interrupted): each poll stops at its first failed try and is
        // cut to the time left, so a dropped path costs one timeout per poll and the wait never outlives the
        // window. As Gateway API conformance's AwaitConvergence (kubernetes-sigs/gateway-api
        // conformance/utils/http/http.go): only a failed poll is followed by a pause, a passing one by the next
        // poll at once, so a healthy path costs its streak's probes and nothing more.
        long window = settings.convergeSeconds() * 1_000_000_000L;
        long deadline = System.nanoTime() + window;
        Result last = null;
        ProbeException error = null;
        int streak = 0;
        int runs = 0;
        while (deadline - System.nanoTime() > 0) {
            try {
                Observation o = observe(path.request(), new HostProbe.Budget(deadline, true));
                if (o.attempts().isEmpty() && o.resolved().isEmpty() && o.resolveError() == null) {
                    break; // no time was left for a single try: the window is over
                }
                runs++;
                last = new Result(o, Evaluator.problems(path.expect(), o, o.attempts().size()), runs);
                error = null;
                streak = last.passed() ? streak + 1 : 0;
                if (streak >= settings.convergeStreak()) {
                    // Converged. The streak's last probe came straight after the others, its tries back to back:
                    // it is the measurement when it made all its tries. Only one the window's end cut short gets
                    // a full measuring probe after it, judged like any probe (a path that fails here still fails).
                    if (o.attempts().size() >= tries(path.request())) {
                        return last;
                    }
                    Observation measured = observe(path.request(), HostProbe.Budget.NONE);
                    return new Result(measured, Evaluator.problems(path.expect(), measured,
                            tries(path.request())), runs + 1);
                }
                if (last.passed()) {
                    continue; // the next poll of the streak at once
                }
            } catch (ProbeException e) {
                error = e;
            }
            long millis = Math.min(POLL_INTERVAL_MS, (deadline - System.nanoTime()) / 1_000_000);
            if (millis > 0) {
                pause.accept(millis);
            }
        }
        if (last == null) {
            if (error != null) {
                throw error; // the caller itself could not be asked: the engine names that
            }
            return new Result(null, List.of("no probe finished within " + settings.convergeSeconds() + " s"), runs);
        }
        List<String> problems = new ArrayList<>(last.problems());
        problems.add("not " + settings.convergeStreak() + " consecutive successes within "
                + settings.convergeSeconds() + " s (" + runs + " runs)");
        return new Result(last.observation(), problems, runs);
    }

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

package dev.netpaths.conformance.run;

import static org.awaitility.Awaitility.await;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Evaluator;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.HostProbe;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/** Probes one path and judges it; paths through entry points get a bounded wait to converge. */
public final class PathRunner {

    private final CallerChannel channel;
    private final Environment.Settings settings;

    public PathRunner(CallerChannel channel, Environment.Settings settings) {
        this.channel = channel;
        this.settings = settings;
    }

    /** The last observation and its problems (empty = passed); {@code runs} probes were made. */
    public record Result(Observation observation, List<String> problems, int runs) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    public Result run(PathInstance path) throws ProbeException {
        if (!converges(path)) {
            Observation o = observe(path.request());
            return new Result(o, Evaluator.problems(path.expect(), o), 1);
        }
        AtomicReference<Result> last = new AtomicReference<>();
        AtomicReference<ProbeException> error = new AtomicReference<>();
        AtomicInteger streak = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        try {
            await().atMost(Duration.ofSeconds(settings.convergeSeconds())).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        try {
                            Observation o = observe(path.request());
                            Result r = new Result(o, Evaluator.problems(path.expect(), o), runs.incrementAndGet());
                            last.set(r);
                            error.set(null);
                            if (!r.passed()) {
                                streak.set(0);
                                return false;
                            }
                            return streak.incrementAndGet() >= settings.convergeStreak();
                        } catch (ProbeException e) {
                            error.set(e);
                            return false;
                        }
                    });
            // Converged: now measure. The streak's probes sit half a second apart, and a request after an idle
            // gap is slower on every hop; one probe straight after, its tries back to back, is what the path
            // costs. It is judged like any probe, so a path that fails here still fails.
            Observation measured = observe(path.request());
            return new Result(measured, Evaluator.problems(path.expect(), measured), runs.incrementAndGet());
        } catch (ConditionTimeoutException e) {
            if (last.get() == null) {
                throw error.get();
            }
            List<String> problems = new ArrayList<>(last.get().problems());
            problems.add("not " + settings.convergeStreak() + " consecutive successes within "
                    + settings.convergeSeconds() + " s (" + runs.get() + " runs)");
            return new Result(last.get().observation(), problems, runs.get());
        }
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

    Observation observe(Request request) throws ProbeException {
        if (request instanceof Request.CallerHttp r) {
            return channel.call(r.caller(), r.call());
        }
        if (request instanceof Request.CallerResolve r) {
            return channel.resolve(r.caller(), r.name());
        }
        if (request instanceof Request.HostHttp r) {
            return HostProbe.http(r.ip(), r.port(), r.path(), r.hostHeader(), r.headers(), r.tries(),
                    Duration.ofMillis(r.timeoutMs()));
        }
        Request.HostUdp r = (Request.HostUdp) request;
        return HostProbe.udp(r.ip(), r.port(), r.tries(), Duration.ofMillis(r.timeoutMs()));
    }
}

package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.DisruptionPlan;
import dev.netpaths.conformance.catalogue.Evaluator;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.discovery.Rollout;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.Load;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import dev.netpaths.wire.ErrorKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a disruption case's plan once (at its first row) and gives each row its path's count: the load
 * (probe/Load) over the plan's paths, and meanwhile the rollout through the discovery seam (discovery/Rollout). The
 * control first rolls echo to {@code QUARKUS_SHUTDOWN_DELAY=0s} (not measured) and restores what it found after.
 */
final class DisruptionRunner {

    /** One request per path every this. */
    static final Duration INTERVAL = Duration.ofMillis(100);
    /** Load alone before the rollout and after it. */
    static final Duration SETTLE = Duration.ofSeconds(3);
    /** The longest warm-up of a path (not counted). */
    static final Duration WARM_UP = Duration.ofSeconds(60);

    /**
     * What one plan measured: every path's tally, the rollout's span, echo's drain variable as found (the control; the
     * reference case after a loss), what went wrong around it.
     */
    record Measured(Map<String, Load.Tally> tallies, String rolled, String drainBefore, String error) {}

    /** How one try of a path is made: the harness's own probe. */
    @FunctionalInterface
    interface Prober {
        Observation observe(Request request) throws ProbeException;
    }

    private final Rollout rollout;
    private final PrintWriter progress;
    private final Duration interval;
    private final Duration settle;
    private final Map<DisruptionPlan, Measured> measured = new IdentityHashMap<>();

    DisruptionRunner(Rollout rollout, PrintWriter progress) {
        this(rollout, progress, INTERVAL, SETTLE);
    }

    DisruptionRunner(Rollout rollout, PrintWriter progress, Duration interval, Duration settle) {
        this.rollout = rollout;
        this.progress = progress;
        this.interval = interval;
        this.settle = settle;
    }

    /** The row's verdict: its path's count (the control: every path's) judged by the Evaluator. */
    PathRunner.Result run(PathInstance path, Request.Disruption d, Prober prober) {
        Measured m;
        synchronized (measured) {
            m = measured.computeIfAbsent(d.plan(), p -> measure(p, prober));
        }
        if (m.tallies() == null) {
            return new PathRunner.Result(null, List.of(m.error()), 1, null);
        }
        List<Attempt> attempts = d.path() == null
                ? m.tallies().values().stream().flatMap(t -> t.attempts().stream()).toList()
                : m.tallies().get(d.path()).attempts();
        Observation o = Observation.of(attempts);
        List<String> problems = new ArrayList<>();
        if (m.error() != null) {
            problems.add(m.error());
        }
        for (String p : Evaluator.problems(path.expect(), o)) {
            Load.Tally t = d.path() == null ? null : m.tallies().get(d.path());
            problems.add(t == null || t.failures().isEmpty() ? p : p + "; the first: " + String.join(", ",
                    t.failures().subList(0, Math.min(3, t.failures().size()))));
        }
        if (d.plan().drain() && m.drainBefore() != null && !problems.isEmpty()) {
            problems.add("echo carries " + DisruptionPlan.DRAIN_VARIABLE + "=" + m.drainBefore()
                    + " (the reference manifests leave it unset: a 5 s drain)");
        }
        return new PathRunner.Result(o, problems, 1, note(d, m));
    }

    /** The row's note: its counts, its warm-up, the rollout's span. */
    private static String note(Request.Disruption d, Measured m) {
        String counts = d.path() == null
                ? m.tallies().values().stream().map(t -> t.path() + " " + t.attempts().size() + "/" + t.lost() + " lost")
                        .collect(Collectors.joining(", ", "requests/lost per path: ", ""))
                : counts(m.tallies().get(d.path()));
        return counts + "; " + m.rolled() + (d.plan().drain() ? ""
                : "; without the drain (" + DisruptionPlan.DRAIN_VARIABLE + "=0s)");
    }

    private static String counts(Load.Tally t) {
        return t.attempts().size() + " requests, " + t.lost() + " lost; warm-up (not counted): " + t.warmUp();
    }

    private Measured measure(DisruptionPlan plan, Prober prober) {
        String target = plan.namespace() + "/" + plan.deployment();
        if (rollout == null) {
            return new Measured(null, null, null, "the harness has no way to roll deployment/" + plan.deployment()
                    + " here: a lab run without --lab-cli (scripts/lab/lab.sh case gives it)");
        }
        if (plan.paths().isEmpty()) {
            return new Measured(null, null, null, "no path to load");
        }
        Map<String, Load.Request> requests = new LinkedHashMap<>();
        for (DisruptionPlan.LoadPath p : plan.paths()) {
            requests.put(p.name(), () -> once(prober, p.request()));
        }
        String before = null;
        try {
            // the control restores what it found; the reference case reads nothing before (each lab CLI call costs
            // a JVM and the lab's state, over a minute on a loaded machine), only after a loss, to name the setting
            if (!plan.drain()) {
                before = rollout.env(plan.namespace(), plan.deployment(), DisruptionPlan.DRAIN_VARIABLE).orElse(null);
            }
            if (!plan.drain() && !"0s".equals(before)) {
                say("the control: rolling " + target + " to " + DisruptionPlan.DRAIN_VARIABLE + "=0s first (not measured)");
                rollout.setEnv(plan.namespace(), plan.deployment(), DisruptionPlan.DRAIN_VARIABLE, "0s");
            }
        } catch (Rollout.RolloutException e) {
            return new Measured(null, null, null, e.getMessage() + " (nothing was measured: does "
                    + rollout.description() + " reach the cluster, and does deployment/" + plan.deployment() + " exist?)");
        }
        String[] rolled = {"the rollout never started"};
        String[] error = {null};
        Map<String, Load.Tally> tallies;
        try {
            say("load on " + requests.size() + " paths (" + String.join(", ", requests.keySet()) + "), one request per "
                    + "path every " + interval.toMillis() + " ms; " + settle.toSeconds() + " s alone, then rollout "
                    + "restart deployment/" + plan.deployment() + " with " + rollout.description());
            tallies = Load.during(requests, interval, settle, WARM_UP, () -> {
                LocalTime start = now();
                long t0 = System.nanoTime();
                say("rollout starts at " + start + " UTC");
                try {
                    String said = rollout.restart(plan.namespace(), plan.deployment());
                    said.lines().filter(l -> !l.isBlank()).forEach(l -> say("  " + l));
                    rolled[0] = "rolled from " + start + " to " + now() + " UTC ("
                            + (System.nanoTime() - t0) / 100_000_000 / 10.0 + " s) by " + rollout.description();
                    say("rollout done at " + now() + " UTC");
                } catch (Rollout.RolloutException e) {
                    rolled[0] = "the rollout failed at " + now() + " UTC";
                    error[0] = "the rollout did not complete: " + e.getMessage();
                    say(error[0]);
                }
            });
        } finally {
            if (!plan.drain() && !"0s".equals(before)) {
                say("the control: restoring " + target + "'s " + DisruptionPlan.DRAIN_VARIABLE
                        + (before == null ? " (removed)" : "=" + before) + " (not measured)");
                try {
                    rollout.setEnv(plan.namespace(), plan.deployment(), DisruptionPlan.DRAIN_VARIABLE, before);
                } catch (Rollout.RolloutException e) {
                    error[0] = (error[0] == null ? "" : error[0] + "; ") + "echo's drain could not be restored: "
                            + e.getMessage();
                }
            }
        }
        tallies.values().forEach(t -> t.failures().forEach(f -> say(t.path() + ": lost at " + f)));
        if (plan.drain() && tallies.values().stream().anyMatch(t -> t.lost() > 0)) {
            try {
                before = rollout.env(plan.namespace(), plan.deployment(), DisruptionPlan.DRAIN_VARIABLE).orElse(null);
            } catch (Rollout.RolloutException e) {
                say("could not read echo's " + DisruptionPlan.DRAIN_VARIABLE + ": " + e.getMessage());
            }
        }
        return new Measured(tallies, rolled[0], before, error[0]);
    }

    /** One try; a caller that could not be asked is a lost request of that path, said as such. */
    private static Attempt once(Prober prober, Request request) {
        long t0 = System.nanoTime();
        try {
            Observation o = prober.observe(request);
            return o.attempts().isEmpty() ? Attempt.failed(ErrorKind.OTHER, "no try reported", 0, null)
                    : o.attempts().get(0);
        } catch (ProbeException e) {
            return Attempt.failed(ErrorKind.OTHER, "the caller could not be asked: " + e.getMessage(),
                    (System.nanoTime() - t0) / 1e6, null);
        } catch (RuntimeException e) {
            return Attempt.failed(ErrorKind.OTHER, "harness: " + e, (System.nanoTime() - t0) / 1e6, null);
        }
    }

    private void say(String line) {
        if (progress != null) {
            progress.println("disruption: " + line);
            progress.flush();
        }
    }

    private static LocalTime now() {
        return LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
}

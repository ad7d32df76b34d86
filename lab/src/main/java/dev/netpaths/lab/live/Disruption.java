package dev.netpaths.lab.live;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.addons.ClusterAddons.Addon;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.proc.Sleep;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The disruption case: constant load through the ClusterIP (from a caller pod), a NodePort, the LoadBalancer IP,
 * the Ingress and the Gateway while echo's Deployment rolls; every request and its outcome counted per path.
 * With the reference manifests (echo turns readiness DOWN on SIGTERM and keeps serving for its 5 s drain,
 * {@code quarkus.shutdown.delay}) no request may fail. {@code noDrain} first rolls echo to
 * {@code QUARKUS_SHUTDOWN_DELAY=0s} (the pods stop at SIGTERM, before kube-proxy and the entry points have moved
 * on), then measures the same rollout: the failures a cluster shows without the drain.
 */
public final class Disruption {
    private static final String DRAIN = "QUARKUS_SHUTDOWN_DELAY";
    /** One request per path every 100 ms, each on a new connection. */
    private static final int INTERVAL_MS = 100;
    /** Load alone before the rollout and after it. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private Disruption() {
    }

    /** Per path: requests, answered ok, the rest by outcome. */
    public record PathResult(String path, long total, long ok, String failures) {
        long failed() {
            return total - ok;
        }
    }

    /** Runs the case in the lab; returns the per-path results (printed as they are). */
    public static List<PathResult> run(LiveCluster live, String prefix, boolean noDrain, Duration bound, PrintStream out) {
        String ns = "netpaths";
        String drain = live.env(ns, "echo", DRAIN).orElse(null);
        if (noDrain && !"0s".equals(drain)) {
            out.println("disruption: the break-it variant: rolling echo to " + DRAIN + "=0s first (not measured)");
            live.setEnv(ns, "echo", DRAIN, "0s", bound);
        } else if (!noDrain && drain != null) {
            out.println("disruption: restoring echo's drain (" + DRAIN + " unset) first (not measured)");
            live.setEnv(ns, "echo", DRAIN, null, bound);
        }
        List<String> load = List.of(Sh.inNs(AddressPlan.hostNs(prefix), javaCommand(), "-cp", selfJar().toString()));
        List<PathResult> results = measure(load, targets(live), () -> live.rolloutRestart(ns, "echo", bound), SETTLE, out);
        report(noDrain, results, out);
        return results;
    }

    /**
     * The load on {@code targets} ({@code NAME=URL[|HOST[|MUST_CONTAIN]]}, {@link Load}) started by {@code launcher}
     * (the command that runs a JVM's {@code -cp JAR} in the right place), {@code settle} of load alone, then
     * {@code roll}, then {@code settle} again: every request before, during and after the rollout, counted.
     */
    static List<PathResult> measure(List<String> launcher, List<String> targets, Runnable roll, Duration settle, PrintStream out) {
        List<String> args = new ArrayList<>(launcher);
        args.addAll(List.of(Load.class.getName(), Integer.toString(INTERVAL_MS)));
        args.addAll(targets);
        out.println("disruption: load on " + targets.size() + " paths: " + String.join(" ", targets));
        Process load;
        try {
            load = new ProcessBuilder(args).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new LabException("cannot start the load: " + e.getMessage(), e);
        }
        List<PathResult> results = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8))) {
            String first = r.readLine();
            if (first == null || !first.startsWith("load: started")) {
                throw new LabException("the load did not start: " + first);
            }
            out.println("disruption: " + first.substring(6));
            Sleep.ms(settle.toMillis());
            out.println("disruption: rollout starts at " + now() + " UTC");
            try {
                roll.run();
                out.println("disruption: rollout done at " + now() + " UTC");
            } finally {
                Sleep.ms(settle.toMillis());
                load.getOutputStream().close();
            }
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("FAILURE ")) {
                    out.println("disruption: " + line.substring(8).replaceFirst(" ", ": "));
                } else if (line.startsWith("RESULT ")) {
                    String[] f = line.substring(7).split(" ", 4);
                    results.add(new PathResult(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f.length > 3 ? f[3] : ""));
                }
            }
            if (!load.waitFor(10, TimeUnit.SECONDS)) {
                load.destroyForcibly();
            }
        } catch (IOException e) {
            throw new LabException("reading the load's results: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        } finally {
            load.destroyForcibly();
        }
        return results;
    }

    /** The per-path table. */
    static void report(boolean noDrain, List<PathResult> results, PrintStream out) {
        out.printf("%nDISRUPTION (%s: rollout restart deployment/echo under load, one request per path every %d ms)%n",
                noDrain ? "no drain, " + DRAIN + "=0s" : "reference manifests", INTERVAL_MS);
        out.printf("  %-14s %8s %8s %8s  %s%n", "PATH", "REQUESTS", "OK", "FAILED", "FAILURES BY OUTCOME");
        for (PathResult p : results) {
            out.printf("  %-14s %8d %8d %8d  %s%n", p.path(), p.total(), p.ok(), p.failed(), p.failures().isEmpty() ? "-" : p.failures());
        }
    }

    /**
     * The case's exit code, said in one line: 0 when each of the {@code paths} paths carried requests and none failed
     * (or for {@code noDrain}, whose failures are the lesson), else 1.
     */
    public static int verdict(List<PathResult> results, int paths, boolean noDrain, PrintStream out) {
        long failed = results.stream().mapToLong(PathResult::failed).sum();
        boolean allPaths = results.size() == paths && results.stream().allMatch(r -> r.total() > 0);
        out.println(noDrain ? "disruption: " + failed + " failed requests without the drain (expected: some)"
                : "disruption: " + (failed == 0 && allPaths ? "PASSED, no request lost"
                : allPaths ? "FAILED, " + failed + " requests lost"
                : "FAILED, not every one of the " + paths + " paths carried requests (" + failed + " lost)"));
        return noDrain || (failed == 0 && allPaths) ? 0 : 1;
    }

    /**
     * The same case against a real cluster (scripts/cluster/disruption.sh finds the paths with kubectl and rolls echo
     * with {@code kubectl rollout restart} and {@code rollout status}):
     * {@code java -cp netpaths-lab.jar dev.netpaths.lab.live.Disruption [--no-drain] [--timeout S] NAME=URL... -- ROLL...}.
     * The load runs here; ROLL is the command that rolls echo and returns when the rollout is done. Exit status: the
     * verdict's (a roll that fails or outlives --timeout is 1), 2 usage.
     */
    public static void main(String[] args) {
        System.exit(cli(args, System.out, System.err));
    }

    static int cli(String[] args, PrintStream out, PrintStream err) {
        return cli(args, SETTLE, out, err);
    }

    static int cli(String[] args, Duration settle, PrintStream out, PrintStream err) {
        boolean noDrain = false;
        long timeout = 600;
        List<String> targets = new ArrayList<>();
        List<String> roll = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                roll = List.of(args).subList(i + 1, args.length);
                break;
            } else if (a.equals("--no-drain")) {
                noDrain = true;
            } else if (a.equals("--timeout") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,4}")) {
                timeout = Long.parseLong(args[++i]);
            } else if (a.matches("[a-z][a-z0-9-]*=http://[^ ]+")) {
                targets.add(a);
            } else {
                err.println("disruption: unexpected argument \"" + a + "\" (usage: [--no-drain] [--timeout S] NAME=http://...[|HOST[|MUST]]... -- ROLL COMMAND...)");
                return 2;
            }
        }
        if (targets.isEmpty() || roll.isEmpty()) {
            err.println("disruption: give at least one NAME=http://... path and, after --, the command that rolls echo");
            return 2;
        }
        List<String> rollCommand = roll;
        long bound = timeout;
        int[] rolled = {0};
        List<PathResult> results;
        try {
            results = measure(List.of(javaCommand(), "-cp", selfJar().toString()), targets,
                    () -> rolled[0] = runRoll(rollCommand, bound, err), settle, out);
        } catch (LabException e) {
            err.println("disruption: " + e.getMessage());
            return 1;
        }
        report(noDrain, results, out);
        int verdict = verdict(results, targets.size(), noDrain, out);
        if (rolled[0] != 0) {
            out.println("disruption: FAILED, the roll command " + (rolled[0] < 0 ? "outlived --timeout " + timeout + " s" : "exited " + rolled[0]));
            return 1;
        }
        return verdict;
    }

    /** Runs the roll command (its output on err); its exit status, -1 when it outlived {@code timeoutSeconds}. */
    private static int runRoll(List<String> command, long timeoutSeconds, PrintStream err) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread copy = new Thread(() -> {
                try (var in = p.getInputStream()) {
                    in.transferTo(err);
                } catch (IOException ignored) {
                    // the process is gone; nothing more to copy
                }
            }, "roll-output");
            copy.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            copy.join(2000);
            return p.exitValue();
        } catch (IOException e) {
            err.println("disruption: cannot run " + command + ": " + e.getMessage());
            return 127;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static java.time.LocalTime now() {
        return java.time.LocalTime.now(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** This JVM's java, so the load runs on the same JDK. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The five paths, resolved from the running cluster. */
    static List<String> targets(LiveCluster live) {
        var runtime = live.runtime();
        RunningPod caller = live.pods().stream().filter(p -> p.key().startsWith("netpaths/caller-")).findFirst()
                .orElseThrow(() -> new LabException("no caller pod in netpaths"));
        String worker = runtime.plan().nodes().get(runtime.plan().nodes().size() - 1).ip();
        String lb = runtime.services().stream().filter(s -> "echo-lb".equals(s.getMetadata().getName()))
                .map(s -> s.getStatus().getLoadBalancer().getIngress().get(0).getIp()).findFirst()
                .orElseThrow(() -> new LabException("no echo-lb LoadBalancer IP"));
        // the lab's Ingress controller is the one INGRESS selects (F5 NGINX IC by default, or ingress-nginx)
        String ingress = java.util.stream.Stream.of(Addon.NGINX_INGRESS, Addon.INGRESS_NGINX).map(runtime::lbAddress)
                .flatMap(java.util.Optional::stream).findFirst().orElseThrow(() -> new LabException("no ingress address"));
        String gateway = runtime.lbAddress(Addon.ENVOY_GATEWAY).orElseThrow(() -> new LabException("no gateway address"));
        return List.of(
                "clusterip=http://" + caller.ip() + ":8080/call?url=http://echo:8080/echo&tries=1&timeoutMs=2000||\"ok\":true",
                "nodeport=http://" + worker + ":30080/echo",
                "loadbalancer=http://" + lb + "/echo",
                "ingress=http://" + ingress + "/v1|ingress.netpaths.test",
                "gateway=http://" + gateway + "/v1|gateway.netpaths.test");
    }

    static Path selfJar() {
        try {
            return Path.of(Disruption.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new LabException("cannot find the lab's jar: " + e.getMessage(), e);
        }
    }
}

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

    private Disruption() {
    }

    /** Per path: requests, answered ok, the rest by outcome. */
    public record PathResult(String path, long total, long ok, String failures) {
        long failed() {
            return total - ok;
        }
    }

    /** Runs the case; returns the per-path results (printed as they are). */
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
        List<String> args = new ArrayList<>(List.of(Sh.inNs(AddressPlan.hostNs(prefix), "java", "-cp", selfJar().toString(),
                Load.class.getName(), Integer.toString(INTERVAL_MS))));
        int fixed = args.size();
        args.addAll(targets(live));
        out.println("disruption: load on " + (args.size() - fixed) + " paths: " + String.join(" ", args.subList(fixed, args.size())));
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
            Sleep.ms(3000);
            live.rolloutRestart(ns, "echo", bound);
            Sleep.ms(3000);
            load.getOutputStream().close();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
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
        out.printf("%nDISRUPTION (%s: rollout restart deployment/echo under load, one request per path every %d ms)%n",
                noDrain ? "no drain, " + DRAIN + "=0s" : "reference manifests", INTERVAL_MS);
        out.printf("  %-14s %8s %8s %8s  %s%n", "PATH", "REQUESTS", "OK", "FAILED", "FAILURES BY OUTCOME");
        for (PathResult p : results) {
            out.printf("  %-14s %8d %8d %8d  %s%n", p.path(), p.total(), p.ok(), p.failed(), p.failures().isEmpty() ? "-" : p.failures());
        }
        return results;
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

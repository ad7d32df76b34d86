package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the cases are resolved against: cluster A, an optional peer B, and whether this host can route to an
 * address (LoadBalancer IPs are not routable from the host on macOS/Windows Docker).
 */
public record Environment(Topology cluster, Optional<Topology> peer, HostNetwork host, Settings settings) {

    /** Knows whether the harness host can reach an address at all. */
    public interface HostNetwork {
        /** Empty when {@code ip:port} is reachable or on a local subnet; else the true reason it is not. */
        Optional<String> whyUnroutable(String ip, int port);

        /**
         * The expanded paths of a case, as this host probes them: unchanged, unless the host reaches some unroutable
         * targets another way (run/HostPortMapping: through the cluster's host port mapping).
         */
        default List<PathInstance> route(List<PathInstance> paths) {
            return paths;
        }
    }

    /**
     * Tries and timeouts; defaults follow Gateway API conformance (3 in a row within 30 s, 500 for a split). A path
     * expected to answer gets {@code tries} per probe, enough for its latency percentiles to mean something; one
     * expected to fail gets {@code blockedTries}, since each of those waits out a timeout.
     */
    public record Settings(int tries, int blockedTries, int spreadTries, int splitTries, int timeoutMs,
                           int blockedTimeoutMs, int convergeSeconds, int convergeStreak) {
        public static final Settings DEFAULT = new Settings(30, 3, 20, 500, 3000, 2000, 30, 3);

        public int triesFor(Expect expect) {
            return expect.positive() ? tries : blockedTries;
        }

        /** Expected failures get the short timeout: waiting longer for nothing proves nothing more. */
        public int timeoutFor(Expect expect) {
            return expect.positive() ? timeoutMs : blockedTimeoutMs;
        }

        public Settings withConvergeSeconds(int seconds) {
            return new Settings(tries, blockedTries, spreadTries, splitTries, timeoutMs, blockedTimeoutMs, seconds,
                    convergeStreak);
        }
    }

    public List<Topology.Pod> callers(Topology t) {
        return t.readyPods("netpaths", "caller-service").stream()
                .sorted(Comparator.comparing(Topology.Pod::node)).toList();
    }

    public Optional<Topology.Pod> anyCaller() {
        return callers(cluster).stream().findFirst();
    }

    /**
     * A case that needs a ready {@code app} pod and has none: FAILED when its workload exists and wants pods
     * (installed but not working), skipped when there is no such workload (not installed here).
     */
    public PathInstance unavailable(PathCase c, String namespace, String app) {
        Optional<Topology.Workload> w = cluster.workload(namespace, app);
        if (w.isPresent() && w.get().desired() > 0) {
            return PathInstance.broken(c, "", readiness(cluster, w.get()) + ". Likely cause: its pods are not Ready "
                    + "(crash-looping, failing readiness, or not scheduled): kubectl -n " + namespace
                    + " describe pods -l " + Topology.APP + "=" + app);
        }
        return PathInstance.skipped(c, "no " + app + " workload in namespace " + namespace + " (not installed here)");
    }

    /**
     * Discovery's finding that Service {@code namespace/service} of cluster A has no ready endpoint and none is coming,
     * as a sentence; null when it has one, or may get one without anything in the cluster being changed. None is
     * coming when no pod its selector matches is Ready and every Deployment or DaemonSet whose pods it would select
     * wants 0 of them (at least one such workload: a Service whose pods discovery cannot place decides nothing). A
     * Service without a selector (its endpoints kept by hand) or unknown to discovery: null.
     */
    public String noEndpoint(String namespace, String service) {
        Optional<Topology.Service> svc = cluster.service(namespace, service);
        if (svc.isEmpty() || svc.get().selector().isEmpty() || !cluster.readyEndpoints(namespace, service).isEmpty()) {
            return null;
        }
        Map<String, String> selector = svc.get().selector();
        if (cluster.pods().stream().anyMatch(p -> p.ready() && p.namespace().equals(namespace)
                && Reachability.matches(selector, p.labels()))) {
            return null;
        }
        List<Topology.Workload> selected = cluster.workloads().stream().filter(w -> w.namespace().equals(namespace)
                && Reachability.matches(selector, w.templateLabels())).toList();
        if (selected.isEmpty() || selected.stream().anyMatch(w -> w.desired() > 0)) {
            return null;
        }
        return "Service " + namespace + "/" + service + " has no ready endpoint and none is coming: "
                + selected.stream().map(w -> w.kind() + " " + w.namespace() + "/" + w.name())
                        .collect(java.util.stream.Collectors.joining(", "))
                + (selected.size() == 1 ? ", the workload it selects, wants" : ", the workloads it selects, want")
                + " 0 pods";
    }

    static String readiness(Topology t, Topology.Workload w) {
        return w.kind() + " " + w.namespace() + "/" + w.name() + " has " + t.readyPodsOf(w) + "/" + w.desired()
                + " pods ready";
    }
}

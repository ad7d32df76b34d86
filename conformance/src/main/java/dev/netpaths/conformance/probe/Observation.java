package dev.netpaths.conformance.probe;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything one probe saw: its attempts, and for name lookups the addresses a name resolved to, the candidate
 * name that answered through the search path ({@code matchedName}) and where the answer came from
 * ({@code resolvedFrom}: dns, hosts or literal).
 */
public record Observation(List<Attempt> attempts, List<String> resolved, String resolveError, String matchedName,
                          String resolvedFrom) {

    public Observation(List<Attempt> attempts, List<String> resolved, String resolveError) {
        this(attempts, resolved, resolveError, null, null);
    }

    public static Observation of(List<Attempt> attempts) {
        return new Observation(attempts, List.of(), null);
    }

    public static Observation ofResolution(List<String> addresses, String error) {
        return new Observation(List.of(), addresses, error);
    }

    /** The source addresses the tries were sent from. */
    public List<String> sourceIps() {
        return List.copyOf(attempts.stream().map(Attempt::sourceIp).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    /** Node name → number of attempts served by a pod on it. */
    public Map<String, Long> servedNodes() {
        return count(a -> a.served() == null ? null : a.served().node());
    }

    public long okCount() {
        return attempts.stream().filter(Attempt::ok).count();
    }

    /** Pod name → number of attempts it served. */
    public Map<String, Long> backends() {
        return count(a -> a.served() == null ? null : a.served().pod());
    }

    public Map<String, Long> versions() {
        return count(a -> a.served() == null ? null : a.served().version());
    }

    public Map<String, Long> errors() {
        return count(a -> a.error() == null ? null : a.error().name());
    }

    public List<String> clientIpsSeen() {
        return List.copyOf(attempts.stream().map(Attempt::clientIpSeen).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    public LatencyStats latency() {
        return LatencyStats.of(attempts.stream().filter(a -> a.error() == null || a.status() != null)
                .map(Attempt::latencyMs).toList());
    }

    private Map<String, Long> count(Function<Attempt, String> key) {
        return attempts.stream().map(key).filter(Objects::nonNull)
                .collect(Collectors.groupingBy(k -> k, TreeMap::new, Collectors.counting()));
    }
}

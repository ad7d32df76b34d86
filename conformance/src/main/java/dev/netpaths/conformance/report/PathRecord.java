package dev.netpaths.conformance.report;

import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.probe.LatencyStats;
import dev.netpaths.conformance.probe.Observation;
import java.util.List;
import java.util.Map;

/**
 * One path's row in every report. A test publishes it (without result) as a JUnit report entry; the
 * {@link ReportListener} adds the result and reason JUnit decided.
 *
 * @param name         the path's stable key (case and label: nodes, Services, hosts; never random pod names), the
 *                     same across runs, clusters and CNIs
 * @param result       PASSED, FAILED or SKIPPED
 * @param sourceIps    evidence: the addresses the tries were sent from
 * @param servedNodes  evidence: node → tries served by an echo pod on it
 * @param matchedName  evidence (DNS): the candidate name that answered through the search path
 * @param resolvedFrom evidence (DNS): where the answer came from (dns, hosts, literal)
 * @param durationMs   milliseconds from the path's start until its verdict, a convergence window waited out beside
 *                     the measuring lane included (0: not probed)
 */
public record PathRecord(String name, String caseName, String group, String proves, String source, String target,
                         String from, String to, String expected, String note, String result, String reason,
                         int attempts, long ok, LatencyStats latency, Map<String, Long> backends,
                         List<String> clientIpsSeen, Map<String, Long> errors, List<String> resolved, int runs,
                         List<String> sourceIps, Map<String, Long> servedNodes, String matchedName,
                         String resolvedFrom, long durationMs) {

    public static final String PASSED = "PASSED";
    public static final String FAILED = "FAILED";
    public static final String SKIPPED = "SKIPPED";

    /** @param observation null when the path was not probed (skipped, or the caller could not be reached) */
    public static PathRecord of(PathInstance p, Observation observation, int runs) {
        boolean probed = observation != null;
        return new PathRecord(p.displayName(), p.pathCase().name(), p.pathCase().group(), p.pathCase().proves(),
                p.request() == null ? "" : p.request().source(), p.request() == null ? "" : p.request().target(),
                p.from(), p.to(), p.expect() == null ? "" : p.expect().summary(), p.note(), null, null,
                probed ? observation.attempts().size() : 0, probed ? observation.okCount() : 0,
                probed ? observation.latency() : LatencyStats.NONE, probed ? observation.backends() : Map.of(),
                probed ? observation.clientIpsSeen() : List.of(), probed ? observation.errors() : Map.of(),
                probed ? observation.resolved() : List.of(), runs,
                probed ? observation.sourceIps() : List.of(), probed ? observation.servedNodes() : Map.of(),
                probed ? observation.matchedName() : null, probed ? observation.resolvedFrom() : null, 0);
    }

    /** A row for something that failed outside any path (e.g. the catalogue could not be expanded). */
    public static PathRecord harnessFailure(String name, String reason) {
        return new PathRecord(name, name, "harness", "the harness itself ran", "", "", "host", "host", "", null,
                FAILED, reason, 0, 0, LatencyStats.NONE, Map.of(), List.of(), Map.of(), List.of(), 0, List.of(),
                Map.of(), null, null, 0);
    }

    public PathRecord withResult(String newResult, String newReason) {
        return new PathRecord(name, caseName, group, proves, source, target, from, to, expected, note, newResult,
                newReason, attempts, ok, latency, backends, clientIpsSeen, errors, resolved, runs, sourceIps,
                servedNodes, matchedName, resolvedFrom, durationMs);
    }

    /** This row with the time its path took (run/PathScheduler). */
    public PathRecord took(long millis) {
        return new PathRecord(name, caseName, group, proves, source, target, from, to, expected, note, result, reason,
                attempts, ok, latency, backends, clientIpsSeen, errors, resolved, runs, sourceIps, servedNodes,
                matchedName, resolvedFrom, millis);
    }
}

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
 * @param result PASSED, FAILED or SKIPPED
 */
public record PathRecord(String name, String caseName, String group, String proves, String source, String target,
                         String from, String to, String expected, String note, String result, String reason,
                         int attempts, long ok, LatencyStats latency, Map<String, Long> backends,
                         List<String> clientIpsSeen, Map<String, Long> errors, List<String> resolved, int runs) {

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
                probed ? observation.resolved() : List.of(), runs);
    }

    /** A row for something that failed outside any path (e.g. the catalogue could not be expanded). */
    public static PathRecord harnessFailure(String name, String reason) {
        return new PathRecord(name, name, "harness", "the harness itself ran", "", "", "host", "host", "", null,
                FAILED, reason, 0, 0, LatencyStats.NONE, Map.of(), List.of(), Map.of(), List.of(), 0);
    }

    public PathRecord withResult(String newResult, String newReason) {
        return new PathRecord(name, caseName, group, proves, source, target, from, to, expected, note, newResult,
                newReason, attempts, ok, latency, backends, clientIpsSeen, errors, resolved, runs);
    }
}

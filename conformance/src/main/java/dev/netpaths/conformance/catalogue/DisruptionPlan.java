package dev.netpaths.conformance.catalogue;

import java.util.List;

/**
 * What one disruption case measures, shared by its rows: the paths loaded together (each a single-try request, the
 * harness's own probe shapes) while {@code deployment} rolls, and whether echo keeps its drain ({@code drain}) or is
 * first rolled to {@link #DRAIN_VARIABLE}{@code =0s} (the control, restored afterwards). run/DisruptionRunner runs it
 * once, at the case's first row, and every row reads its own path's count.
 */
public record DisruptionPlan(String namespace, String deployment, boolean drain, List<LoadPath> paths) {

    /**
     * The variable that overrides echo's drain (echo-service's application.properties: {@code quarkus.shutdown.delay=5s},
     * readiness DOWN at SIGTERM while it keeps serving); {@code 0s}: the pod stops at SIGTERM.
     */
    public static final String DRAIN_VARIABLE = "QUARKUS_SHUTDOWN_DELAY";

    public DisruptionPlan {
        paths = List.copyOf(paths);
    }

    /** One loaded path: its name (the row's label) and the request each of its tries makes. */
    public record LoadPath(String name, Request request) {}
}

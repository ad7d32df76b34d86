package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.report.PathRecord;
import dev.netpaths.conformance.report.RunReport;
import dev.netpaths.conformance.support.Fixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine: one path's exception is that path's failure; a required group that cannot run FAILS. */
class ConformanceEngineTest {

    @Test
    void anExceptionInOnePathFailsThatPathAndTheRunGoesOn(@TempDir Path reports) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CallerChannel exploding = new CallerChannel() {
            @Override
            public String get(Topology.Pod caller, String pathAndQuery, Duration timeout) {
                calls.incrementAndGet();
                throw new IllegalStateException("boom " + pathAndQuery.substring(0, 5));
            }
        };
        List<PathCase> cases = Catalogue.select(List.of("dns"));
        int paths = cases.stream().mapToInt(c -> c.expand(Fixture.environment(Fixture.topology())).size()).sum();
        RunReport report = Conformance.run(cases, Fixture.environment(Fixture.topology()), exploding, "test",
                reports, new PrintWriter(new StringWriter()));
        assertEquals(paths, report.cases().size(), "every path has its row");
        assertEquals(paths, calls.get(), "every path was tried, the run did not stop at the first");
        assertTrue(report.cases().stream().allMatch(c -> PathRecord.FAILED.equals(c.result())
                && c.reason().startsWith("the harness failed on this path: java.lang.IllegalStateException: boom")),
                report.cases().toString());
    }

    @Test
    void aRequiredGroupThatCannotRunFailsWithItsReason(@TempDir Path reports) throws Exception {
        RunReport report = Conformance.run(Catalogue.select(List.of("istio")), Fixture.environment(Fixture.topology()),
                null, "test", reports, new PrintWriter(new StringWriter()), Set.of("istio"));
        assertEquals(0, report.summary().passed());
        assertEquals(report.cases().size(), report.summary().failed());
        assertTrue(report.cases().get(0).reason().startsWith("group istio is required but cannot run here: Istio not "
                + "installed"), report.cases().get(0).reason());
        assertEquals(List.of("istio"), report.run().required());
    }
}

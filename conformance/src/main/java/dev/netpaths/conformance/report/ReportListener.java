package dev.netpaths.conformance.report;

import dev.netpaths.conformance.probe.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/** Builds the path rows from the JUnit event stream: each path's published record plus JUnit's verdict. */
public final class ReportListener implements TestExecutionListener {

    public static final String ENTRY_KEY = "netpaths.path";

    private final Map<String, PathRecord> published = new HashMap<>();
    private final List<PathRecord> finished = new ArrayList<>();

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        String json = entry.getKeyValuePairs().get(ENTRY_KEY);
        if (json != null) {
            try {
                published.put(id.getUniqueId(), Json.MAPPER.readValue(json, PathRecord.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        String reason = result.getThrowable().map(Throwable::getMessage).orElse(null);
        if (id.isTest()) {
            PathRecord record = published.get(id.getUniqueId());
            String verdict = switch (result.getStatus()) {
                case SUCCESSFUL -> PathRecord.PASSED;
                case ABORTED -> PathRecord.SKIPPED;
                case FAILED -> PathRecord.FAILED;
            };
            finished.add(record == null ? PathRecord.harnessFailure(id.getDisplayName(), reason)
                    .withResult(verdict, reason) : record.withResult(verdict, reason));
        } else if (result.getStatus() == TestExecutionResult.Status.FAILED) {
            finished.add(PathRecord.harnessFailure(id.getDisplayName(), reason));
        }
    }

    public List<PathRecord> cases() {
        return List.copyOf(finished);
    }
}

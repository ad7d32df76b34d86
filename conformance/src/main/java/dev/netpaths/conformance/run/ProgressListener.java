package dev.netpaths.conformance.run;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/** One line per finished path while a run goes (a full run takes minutes; the matrix comes at the end). */
final class ProgressListener implements TestExecutionListener {

    private final PrintWriter out;
    private final AtomicInteger done = new AtomicInteger();
    private long total;

    ProgressListener(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        total = plan.countTestIdentifiers(TestIdentifier::isTest);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
            String verdict = switch (result.getStatus()) {
                case SUCCESSFUL -> "passed ";
                case ABORTED -> "skipped";
                case FAILED -> "FAILED ";
            };
            out.printf("[%d/%d] %s %s%n", done.incrementAndGet(), total, verdict, id.getDisplayName());
            out.flush();
        }
    }
}

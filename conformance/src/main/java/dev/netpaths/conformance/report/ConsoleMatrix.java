package dev.netpaths.conformance.report;

import java.util.List;
import java.util.Objects;

/** The path matrix printed at the end of a run: path, result, p50/p99 ms, note. */
public final class ConsoleMatrix {

    static final int PATH_WIDTH = 90;

    private ConsoleMatrix() {}

    public static String render(RunReport report) {
        List<PathRecord> cases = report.cases();
        int pathWidth = Math.min(PATH_WIDTH, cases.stream().mapToInt(c -> c.name().length()).max().orElse(4));
        String format = "%-" + pathWidth + "s  %-7s  %9s  %9s  %s%n";
        StringBuilder out = new StringBuilder();
        String dataPlane = report.run().dataPlaneLine();
        if (!dataPlane.isEmpty()) {
            out.append("data plane: ").append(dataPlane).append(System.lineSeparator());
        }
        out.append(String.format(format, "PATH", "RESULT", "P50 ms", "P99 ms", "NOTE"));
        for (PathRecord c : cases) {
            boolean measured = c.latency() != null && c.latency().count() > 0;
            out.append(String.format(format, fit(c.name(), pathWidth), c.result(),
                    measured ? String.format("%.2f", c.latency().p50()) : "-",
                    measured ? String.format("%.2f", c.latency().p99()) : "-",
                    oneLine(Objects.requireNonNullElse(c.reason(), Objects.requireNonNullElse(c.note(), "")))));
        }
        RunReport.Summary s = report.summary();
        return out.append(String.format("%d passed, %d failed, %d skipped (cluster %s, CNI %s)%n", s.passed(),
                s.failed(), s.skipped(), report.run().cluster(), report.run().cni())).toString();
    }

    private static String fit(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }
}

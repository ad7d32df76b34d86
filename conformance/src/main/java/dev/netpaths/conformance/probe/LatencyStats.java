package dev.netpaths.conformance.probe;

import java.util.List;

/** Nearest-rank latency percentiles over the answered attempts, in milliseconds. */
public record LatencyStats(int count, double min, double p50, double p99, double max) {

    public static final LatencyStats NONE = new LatencyStats(0, 0, 0, 0, 0);

    public static LatencyStats of(List<Double> samples) {
        if (samples.isEmpty()) {
            return NONE;
        }
        List<Double> sorted = samples.stream().sorted().toList();
        return new LatencyStats(sorted.size(), sorted.get(0), rank(sorted, 50), rank(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    private static double rank(List<Double> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}

package dev.netpaths.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a lab command's time went: each {@link #end(String)} closes the phase that ran since the previous one (or
 * since the clock started), and {@link #table()} prints them with their share, so {@code up} and {@code run} say
 * which phase to look at when they are slow.
 */
public final class Phases {
    private final long start;
    private long last;
    private final List<String> names = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();

    public Phases() {
        this(System.nanoTime());
    }

    /** A clock that started at {@code startNanos} ({@link System#nanoTime()}). */
    public Phases(long startNanos) {
        this.start = startNanos;
        this.last = startNanos;
    }

    /** Closes the phase that ran since the last mark; returns its seconds. */
    public double end(String phase) {
        long now = System.nanoTime();
        names.add(phase);
        nanos.add(now - last);
        double seconds = (now - last) / 1e9;
        last = now;
        return seconds;
    }

    /** Seconds from the start to the last mark. */
    public double totalSeconds() {
        return (last - start) / 1e9;
    }

    /** One line per phase (seconds, share of the total), then the total. */
    public List<String> table() {
        List<String> lines = new ArrayList<>();
        long total = Math.max(1, last - start);
        lines.add(String.format("  %-40s %8s %6s", "phase", "seconds", "share"));
        for (int i = 0; i < names.size(); i++) {
            lines.add(String.format("  %-40s %8.1f %5.0f%%", names.get(i), nanos.get(i) / 1e9, 100.0 * nanos.get(i) / total));
        }
        lines.add(String.format("  %-40s %8.1f", "total", totalSeconds()));
        return lines;
    }
}

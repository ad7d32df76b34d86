package dev.netpaths.caller;

/** Milliseconds with two decimals, as the API reports every duration. */
final class Timing {
    private Timing() {
    }

    static double since(long startNanos) {
        return between(startNanos, System.nanoTime());
    }

    static double between(long startNanos, long endNanos) {
        return Math.round((endNanos - startNanos) / 10_000.0) / 100.0;
    }
}

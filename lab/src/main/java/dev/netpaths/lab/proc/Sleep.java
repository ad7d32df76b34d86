package dev.netpaths.lab.proc;

/** Thread.sleep that keeps the interrupt flag instead of a checked exception (every caller loops against a deadline). */
public final class Sleep {
    private Sleep() {
    }

    public static void ms(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

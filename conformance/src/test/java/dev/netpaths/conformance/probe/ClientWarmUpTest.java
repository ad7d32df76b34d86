package dev.netpaths.conformance.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The warm-up makes real requests over loopback, as many as asked, and never runs past its budget. */
class ClientWarmUpTest {

    @Test
    void makesTheRequestsItIsAskedFor() {
        assertEquals(200, ClientWarmUp.run(200, Duration.ofSeconds(20)));
    }

    @Test
    void stopsWhenItsBudgetRunsOut() {
        long start = System.nanoTime();
        int made = ClientWarmUp.run(1_000_000, Duration.ofMillis(300));
        assertTrue(made > 0 && made < 1_000_000, "made " + made);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "bounded by its budget");
    }
}

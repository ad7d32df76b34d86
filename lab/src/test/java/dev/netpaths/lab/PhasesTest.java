package dev.netpaths.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-phase timing table of up/run, and the pods-ready bound LAB_READY_TIMEOUT. */
class PhasesTest {

    @Test
    void eachPhaseIsTheTimeSinceThePreviousMarkAndTheyAddUpToTheTotal() throws InterruptedException {
        Phases phases = new Phases();
        // Thread.sleep, not parkNanos: park may return at once (a spurious wake-up), which failed this test once
        Thread.sleep(120);
        double first = phases.end("first");
        double second = phases.end("second");
        assertTrue(first >= 0.12 && first < 5, "the first phase took the park: " + first);
        assertTrue(second < first, "the second phase is only the time since the first mark: " + second);
        assertEquals(first + second, phases.totalSeconds(), 1e-6);
        List<String> table = phases.table();
        assertEquals(4, table.size(), table.toString());
        assertTrue(table.get(1).contains("first") && table.get(1).strip().endsWith("%"), table.get(1));
        assertTrue(table.get(3).contains("total"), table.get(3));
    }

    @Test
    void theReadyTimeoutDefaultsTo180sAndTakesWholeSeconds() {
        assertEquals(Duration.ofSeconds(180), Lab.readyTimeout(null));
        assertEquals(Duration.ofSeconds(180), Lab.readyTimeout(""));
        assertEquals(Duration.ofSeconds(420), Lab.readyTimeout("420"));
        assertEquals(Duration.ofSeconds(1800), Lab.readyTimeout("1800"));
    }

    @Test
    void aReadyTimeoutThatIsNoWholeSecondsInRangeIsRefusedNamingTheSetting() {
        for (String bad : List.of("0", "1801", "3m", "-5", "1.5", "99999999999")) {
            LabException e = assertThrows(LabException.class, () -> Lab.readyTimeout(bad), bad);
            assertTrue(e.getMessage().startsWith("LAB_READY_TIMEOUT must be whole seconds from 1 to 1800"), e.getMessage());
            assertTrue(e.getMessage().endsWith("got '" + bad + "'"), e.getMessage());
        }
    }
}

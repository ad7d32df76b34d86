package dev.netpaths.lab.rootless;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootlessModeTest {
    @Test
    void autoIsRootlessExactlyForAnUnprivilegedCaller() {
        assertTrue(RootlessMode.AUTO.rootless(false));
        assertFalse(RootlessMode.AUTO.rootless(true), "root keeps the machine's namespaces, as before rootless mode");
    }

    @Test
    void yesAndNoIgnoreWhoRunsIt() {
        assertTrue(RootlessMode.YES.rootless(true));
        assertTrue(RootlessMode.YES.rootless(false));
        assertFalse(RootlessMode.NO.rootless(true));
        assertFalse(RootlessMode.NO.rootless(false));
    }

    @Test
    void parsesAnyCaseAndRejectsOtherValuesByName() {
        assertEquals(RootlessMode.YES, RootlessMode.parse(" Yes "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RootlessMode.parse("true"));
        assertEquals("--rootless (LAB_ROOTLESS) must be auto, yes or no, got 'true'", e.getMessage());
    }
}

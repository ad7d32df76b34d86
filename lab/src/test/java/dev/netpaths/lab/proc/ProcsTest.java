package dev.netpaths.lab.proc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcsTest {
    @Test
    void startTimeIsField22EvenWhenTheCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 30 0 987654 4000000 900 18446744073709551615";
        assertEquals(987654, Procs.parseStartTime(stat));
    }

    @Test
    void ownProcessIsAliveOnlyWithItsOwnStartTime() {
        long pid = ProcessHandle.current().pid();
        long start = Procs.startTime(pid).orElseThrow();
        assertTrue(Procs.alive(pid, start));
        assertFalse(Procs.alive(pid, start + 1), "a recycled PID has another start time");
        assertTrue(Procs.rssKb(pid) > 0);
    }

    @Test
    void goneProcessHasNoStartTimeNorMemory() {
        assertTrue(Procs.startTime(Integer.MAX_VALUE).isEmpty());
        assertEquals(0, Procs.rssKb(Integer.MAX_VALUE));
    }

    @Test
    void aNamespacesPidsAreReadOneALineAndAGoneNamespaceHoldsNone() {
        assertEquals(java.util.List.of(1038L, 1041L), Procs.parsePids("1038\n1041\n"));
        assertEquals(java.util.List.of(), Procs.parsePids(""));
        assertEquals(java.util.List.of(), Procs.inNamespace("netpaths-procs-test-no-such-namespace"));
    }
}

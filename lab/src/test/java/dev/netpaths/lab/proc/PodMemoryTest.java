package dev.netpaths.lab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real processes: two of the same program share their code pages, which a pod's figure counts once. */
class PodMemoryTest {

    private Process first;
    private Process second;

    /** Measured only once settled: a process still in ld.so grows between the VmRSS and the pagemap reads. */
    @BeforeEach
    void startTwoProcessesOfOneProgram() throws IOException {
        first = SettledProcess.start();
        second = SettledProcess.start();
    }

    @AfterEach
    void stop() {
        for (Process p : new Process[] {first, second}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void sharedPagesAreCountedOnceWhenFrameNumbersAreReadable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "page frame numbers need CAP_SYS_ADMIN");
        PodMemory.Figure one = PodMemory.of(List.of(first.pid()));
        PodMemory.Figure pair = PodMemory.of(List.of(first.pid(), second.pid()));

        assertTrue(one.distinct() && pair.distinct());
        assertTrue(one.residentKb() > 0);
        assertEquals(one.residentKb(), PodMemory.of(List.of(first.pid(), first.pid())).residentKb(),
                "the same process twice adds nothing");
        assertTrue(pair.residentKb() < pair.vmRssSumKb(), pair + ": the two share the program's and libc's pages");
        assertTrue(pair.residentKb() > one.residentKb(), pair + " vs " + one + ": each has private pages too");
    }

    @Test
    void withoutFrameNumbersTheFigureIsTheVmRssSum() {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "as root the frame numbers are readable");
        PodMemory.Figure pair = PodMemory.of(List.of(first.pid(), second.pid()));
        assertFalse(pair.distinct());
        assertEquals(pair.vmRssSumKb(), pair.residentKb());
    }

    @Test
    void aGoneProcessHoldsNothing() {
        PodMemory.Figure gone = PodMemory.of(List.of((long) Integer.MAX_VALUE));
        assertEquals(0, gone.residentKb());
        assertEquals(0, gone.vmRssSumKb());
    }
}

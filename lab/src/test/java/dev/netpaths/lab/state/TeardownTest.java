package dev.netpaths.lab.state;

import dev.netpaths.lab.proc.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Teardown from a journal with real processes (no root needed: no namespaces involved). */
class TeardownTest {
    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endWhatTheTestStarted() {
        started.forEach(Process::destroyForcibly);
    }

    private Process sleeper() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        started.add(p);
        return p;
    }

    @Test
    void journaledProcessIsEndedAndTheStateDirRemoved() throws Exception {
        Process p = sleeper();
        Journal j = new Journal(dir.resolve("state"));
        j.process(p.pid(), Procs.startTime(p.pid()).orElseThrow(), "sleeper");

        new Teardown(dir.resolve("state"), m -> { }).run(Teardown.plan(j.read()));

        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS), "the journaled process was ended");
        assertFalse(dir.resolve("state").toFile().exists());
    }

    @Test
    void processWhosePidWasRecycledIsLeftAlone() throws Exception {
        Process p = sleeper();
        Journal j = new Journal(dir.resolve("state"));
        // same PID, another start time: what the journal recorded is gone and this is someone else's process
        j.process(p.pid(), Procs.startTime(p.pid()).orElseThrow() - 1, "an earlier process with this PID");

        new Teardown(dir.resolve("state"), m -> { }).run(Teardown.plan(j.read()));

        assertTrue(p.isAlive(), "a recycled PID must never be signalled");
    }
}

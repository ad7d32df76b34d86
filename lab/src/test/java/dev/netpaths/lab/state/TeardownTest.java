package dev.netpaths.lab.state;

import dev.netpaths.lab.proc.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * A process that ignores SIGTERM gets SIGKILL, and down returns only once it is gone (or a zombie, which holds
     * nothing): what scripts/test/leftovers.sh checks right after down, once, with the same rule.
     */
    @Test
    void processIgnoringSigtermIsKilledAndGoneWhenDownReturns() throws Exception {
        // an ignored signal stays ignored across exec: this sleep does not die of SIGTERM
        Process p = new ProcessBuilder("bash", "-c", "trap '' TERM; exec sleep 30").start();
        started.add(p);
        long start = waitForExec(p.pid());
        Journal j = new Journal(dir.resolve("state"));
        j.process(p.pid(), start, "a process ignoring SIGTERM");
        List<String> log = new ArrayList<>();

        new Teardown(dir.resolve("state"), log::add).run(Teardown.plan(j.read()));

        assertFalse(Procs.alive(p.pid(), start), "gone (or a zombie) the moment down returns, no grace after it");
        assertEquals(List.of("SIGKILL to 1 of 1 processes still running 2 s after SIGTERM"), log);
    }

    /**
     * A process the journal does not name, left in one of the lab's namespaces (an nginx worker whose master got
     * SIGKILL): down ends it before deleting the namespace, which would otherwise remove only the name and leave the
     * process running. Needs root (a named network namespace); the namespace is the test's own.
     */
    @Test
    void processTheJournalDoesNotNameIsEndedWhenItsNamespaceGoes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root: ip netns add");
        String ns = "npt-teardown-" + ProcessHandle.current().pid();
        assertEquals(0, new ProcessBuilder("ip", "netns", "add", ns).start().waitFor());
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "30").start();
            started.add(p);
            long start = waitForExec(p.pid());
            Journal j = new Journal(dir.resolve("state"));
            j.netns(ns);
            List<String> log = new ArrayList<>();

            new Teardown(dir.resolve("state"), log::add).run(Teardown.plan(j.read()));

            assertFalse(Procs.alive(p.pid(), start), "the process in the lab's namespace is gone when down returns");
            assertEquals(List.of("ending 1 process(es) the journal does not name, left in the lab's namespaces: " + p.pid()), log);
            assertFalse(new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes()).contains(ns));
        } finally {
            new ProcessBuilder("ip", "netns", "delete", ns).start().waitFor();
        }
    }

    /** Waits (bounded: 5 s) until bash has exec'd sleep, so SIGTERM meets the ignoring process, not bash's start. */
    private static long waitForExec(long pid) throws Exception {
        for (int i = 0; i < 100; i++) {
            String cmd = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
            if (cmd.startsWith("sleep")) {
                return Procs.startTime(pid).orElseThrow();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("bash did not exec sleep within 5 s");
    }

    /**
     * A rootless lab whose holder got kill -9: a process the journal does not name (like an nginx worker whose
     * master got SIGKILL) still sits in the lab's user namespace; down from outside finds it there and ends it, and
     * leaves alone a process of the same user outside that namespace.
     */
    @Test
    void outsideTeardownEndsWhatIsLeftInTheLabsUserNamespace() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("unshare", "--user", "--map-root-user", "true").start().waitFor() == 0,
                "user namespaces are not available here");
        // the holder stand-in and an unjournaled child, both in a fresh user namespace
        Process holder = new ProcessBuilder("unshare", "--user", "--map-root-user", "sh", "-c", "sleep 30 & exec sleep 30").start();
        started.add(holder);
        String userNs = waitForUserNs(holder.pid());
        long holderStart = Procs.startTime(holder.pid()).orElseThrow();
        Process bystander = sleeper();
        Journal j = new Journal(dir.resolve("state"));
        j.append(new Entry.Holder(holder.pid(), holderStart, userNs));
        List<Long> inNs = UserNsSweep.find(new Entry.Holder(holder.pid(), holderStart, userNs));
        assertEquals(2, inNs.size(), "the holder and its child are in the lab's user namespace: " + inNs);
        holder.destroyForcibly().waitFor();

        List<Long> left = new Teardown(dir.resolve("state"), m -> { }).runOutside(Teardown.plan(j.read()), j.holder());

        assertEquals(List.of(), left);
        assertTrue(inNs.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && Procs.startTime(pid).isPresent() && !zombie(pid)), "everything in the lab's user namespace ended");
        assertTrue(bystander.isAlive(), "a process outside the lab's user namespace is not touched");
        assertFalse(dir.resolve("state").toFile().exists());
    }

    private static String waitForUserNs(long pid) throws Exception {
        String own = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/ns/user")).toString();
        for (int i = 0; i < 500; i++) { // bounded: 10 s, generous for a loaded machine, left at once when ready
            var ns = dev.netpaths.lab.rootless.UserNamespaces.of(pid);
            if (ns.isPresent() && !ns.get().equals(own) && UserNsSweep.find(new Entry.Holder(pid, 0, ns.get())).size() == 2) {
                return ns.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("unshare did not start its two sleeps in a user namespace of their own within 10 s");
    }

    private static boolean zombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
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

package dev.netpaths.lab.proc;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.state.Journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the lab's long-running processes (JVMs, dnsmasq, nginx, bird) inside a namespace, detached from the CLI
 * (own session, stdin from /dev/null, output to a log file) so they outlive {@code up}, and journals PID + start
 * time so {@code down} ends exactly them.
 */
public final class Launcher {
    /** A started process: its PID and /proc start time. */
    public record Started(long pid, long startTime, String what) {
    }

    private final Journal journal;

    public Launcher(Journal journal) {
        this.journal = journal;
    }

    /** The only variable every process gets besides its own: the host's tools are the images' tools. */
    public static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * {@code setsid ip netns exec NS env -i PATH ENV... ARGV...}: setsid, ip and env each exec the next, so the PID
     * started is the PID of the final program.
     */
    public Started start(String netns, List<String> env, List<String> argv, Path log, String what) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "ip", "netns", "exec", netns, "env", "-i", PATH));
        cmd.addAll(env);
        cmd.addAll(argv);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
            long start = Procs.startTime(p.pid()).orElseThrow(
                    () -> new LabException(what + " exited at once; see " + log));
            journal.process(p.pid(), start, netns, what);
            return new Started(p.pid(), start, what);
        } catch (IOException e) {
            throw new LabException("cannot start " + what + ": " + e.getMessage(), e);
        }
    }

    /** Ends one process this lab started (SIGTERM, bounded wait, SIGKILL), e.g. to restart dnsmasq with new records. */
    public static void stop(Started s) {
        if (!Procs.alive(s.pid(), s.startTime())) {
            return;
        }
        ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroy);
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (Procs.alive(s.pid(), s.startTime()) && System.nanoTime() < deadline) {
            Sleep.ms(20);
        }
        if (Procs.alive(s.pid(), s.startTime())) {
            ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}

package dev.netpaths.lab.rootless;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sleep;
import dev.netpaths.lab.state.Entry;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespace holder of a rootless lab: one {@code sleep infinity} in a user, mount and network namespace of its
 * own, so the lab outlives each command. Every later command joins those namespaces with
 * {@code nsenter --preserve-credentials -U -m -n -t <pid>} (preserving credentials keeps the caller's uid, which
 * the user namespace maps to root; nsenter's default of switching to uid 0 would call setgroups, which an
 * unprivileged user namespace forbids).
 *
 * <p>Before it sleeps the holder makes the mounts the lab needs and an unprivileged user cannot make outside:
 * a tmpfs on {@code /run} (for {@code /run/netns}, iptables' lock) and a private, writable {@code /etc/netns} for
 * the pods' {@code resolv.conf}. Its network namespace is empty and stays so: the lab adds nothing to it.
 */
public final class Holder {
    public static final String WHAT = "rootless namespace holder";
    /** Set for a CLI started inside the holder's namespaces: the holder's PID. */
    public static final String INSIDE_ENV = "NETPATHS_LAB_HOLDER";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    static final String READY = "netpaths-lab-holder ready";

    /**
     * The holder's setup. {@code /etc/netns} exists on most machines (iproute2 ships none, but any earlier
     * {@code ip netns exec} user made it): a tmpfs goes on it. Where it does not, /etc itself is replaced by a tmpfs
     * of symlinks to the real entries (kept under /run/netpaths-host-etc) plus an empty netns directory.
     */
    static final String SCRIPT = """
            set -eu
            mount -t tmpfs -o mode=0755 tmpfs /run
            if [ -d /etc/netns ] && [ "${1:-}" != farm ]; then
              mount -t tmpfs -o mode=0755 tmpfs /etc/netns
            else
              mkdir /run/netpaths-host-etc
              mount --rbind /etc /run/netpaths-host-etc
              mount -t tmpfs -o mode=0755 tmpfs /etc
              for f in /run/netpaths-host-etc/* /run/netpaths-host-etc/.[!.]*; do
                n=${f##*/}
                if [ "$n" = netns ]; then continue; fi
                if [ -L "$f" ]; then cp -P "$f" "/etc/$n"; elif [ -e "$f" ]; then ln -s "$f" "/etc/$n"; fi
              done
              mkdir /etc/netns
            fi
            echo "%s"
            exec sleep infinity
            """.formatted(READY);

    private Holder() {
    }

    /** Starts a holder (log in logFile) and waits until its mounts are made; returns its journal entry. */
    public static Entry.Holder start(Path logFile) {
        return start(logFile, false);
    }

    /** etcFarm: build the /etc of symlinks even where /etc/netns exists (to test the path other machines take). */
    static Entry.Holder start(Path logFile, boolean etcFarm) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "unshare", "--user", "--map-root-user", "--net", "--mount", "--propagation", "private",
                "sh", "-c", SCRIPT, "netpaths-lab-holder"));
        if (etcFarm) {
            cmd.add("farm");
        }
        Process p;
        try {
            Files.createDirectories(logFile.getParent());
            Files.deleteIfExists(logFile);
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new LabException("cannot start the rootless namespace holder: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!logSays(logFile, READY)) {
            if (!p.isAlive()) {
                throw new LabException("the rootless namespace holder failed (exit " + p.exitValue() + "): " + read(logFile).strip());
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new LabException("the rootless namespace holder was not ready after " + READY_TIMEOUT.toSeconds() + " s: " + read(logFile).strip());
            }
            Sleep.ms(20);
        }
        long start = Procs.startTime(p.pid()).orElseThrow(() -> new LabException("the rootless namespace holder exited: " + read(logFile)));
        String userNs = UserNamespaces.of(p.pid()).orElseThrow(() -> new LabException("cannot read the holder's user namespace"));
        if (userNs.equals(UserNamespaces.self().orElse(""))) {
            p.destroyForcibly();
            throw new LabException("the rootless namespace holder is in the caller's user namespace: unshare --user did not take effect");
        }
        return new Entry.Holder(p.pid(), start, userNs);
    }

    /** The holder still runs: same PID, same start time (not a recycled PID), same user namespace. */
    public static boolean alive(Entry.Holder h) {
        return Procs.alive(h.pid(), h.startTime()) && UserNamespaces.of(h.pid()).map(h.userNs()::equals).orElse(false);
    }

    /** {@code nsenter ... -- argv}: argv run in the holder's user, mount and network namespaces, in directory wd. */
    public static List<String> enter(Entry.Holder h, Path wd, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--preserve-credentials", "--user", "--mount", "--net",
                "--target", Long.toString(h.pid()), "--wd=" + wd));
        cmd.add("--");
        cmd.addAll(argv);
        return cmd;
    }

    /** Ends the holder (SIGKILL: it only sleeps) if it still is the recorded process; bounded wait. */
    public static void stop(Entry.Holder h) {
        if (!alive(h)) {
            return;
        }
        ProcessHandle.of(h.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (Procs.alive(h.pid(), h.startTime()) && System.nanoTime() < deadline) {
            Sleep.ms(20);
        }
    }

    private static boolean logSays(Path log, String line) {
        return read(log).lines().anyMatch(line::equals);
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }
}

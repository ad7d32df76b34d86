package dev.netpaths.lab.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * What /proc says about a PID: its start time (to tell a recycled PID apart) and its resident memory; and which
 * processes a network namespace holds.
 */
public final class Procs {
    private Procs() {
    }

    /** Field 22 of /proc/PID/stat (clock ticks after boot), read after the command name, which may hold spaces. */
    public static OptionalLong startTime(long pid) {
        try {
            return OptionalLong.of(parseStartTime(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException gone) {
            return OptionalLong.empty();
        }
    }

    static long parseStartTime(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after[0] is field 3 (state), so field 22 is after[19]
        return Long.parseLong(after[19]);
    }

    /** True when PID runs and is the process that was started at startTime (not a recycled PID); zombies count as gone. */
    public static boolean alive(long pid, long startTime) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && parseStartTime(stat) == startTime;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** VmRSS of the process in kB, 0 when it is gone. */
    public static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // gone: no memory
        }
        return 0;
    }

    /**
     * The processes in a named network namespace ({@code ip netns pids}, bounded at 5 s): none when it is gone. The
     * callers decide how to end them: a container's restart, down, the sweep of an unrecorded namespace.
     */
    public static List<Long> inNamespace(String netns) {
        return parsePids(Sh.tryRun(Duration.ofSeconds(5), "ip", "netns", "pids", netns).out());
    }

    static List<Long> parsePids(String out) {
        return Arrays.stream(out.split("\\s+")).filter(pid -> !pid.isBlank()).map(Long::parseLong).toList();
    }
}

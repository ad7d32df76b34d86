package dev.netpaths.lab.state;

import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sleep;
import dev.netpaths.lab.rootless.UserNamespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The processes left in a rootless lab's user namespace once its holder is gone. Only the lab ever entered that
 * namespace, so they are the lab's; to be sure a namespace id the kernel recycled cannot point at someone else's
 * processes, a process counts only if it also belongs to the caller's uid and started after the holder.
 */
final class UserNsSweep {
    private UserNsSweep() {
    }

    /** SIGKILLs them, waits up to 2 s, returns the PIDs still there. */
    static List<Long> sweep(Entry.Holder holder, Consumer<String> log) {
        List<Long> found = find(holder);
        if (!found.isEmpty()) {
            log.accept("SIGKILL to " + found.size() + " process(es) left in the lab's user namespace " + holder.userNs() + ": " + found);
            found.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<Long> left = found;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Sleep.ms(50);
            left = find(holder);
        }
        return left;
    }

    static List<Long> find(Entry.Holder holder) {
        long self = ProcessHandle.current().pid();
        int uid = uidOf(self);
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid != self && UserNamespaces.of(pid).map(holder.userNs()::equals).orElse(false) && uidOf(pid) == uid
                        && Procs.startTime(pid).orElse(-1) >= holder.startTime() && !isZombie(pid)) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
        return out;
    }

    private static int uidOf(long pid) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}

package dev.netpaths.lab.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The resident memory of a pod: the physical pages its processes map, each page counted once, as the kernel
 * charges the pod's memory cgroup on a node. Summing VmRSS over the pod's processes counts a page that two of
 * them map (libjvm.so, the JDK's class archive, the same jars) twice; that sum is kept beside it.
 * Physical page numbers come from /proc/PID/pagemap and are readable with CAP_SYS_ADMIN only; without it
 * {@link Figure#distinct()} is false and the figure is the VmRSS sum.
 */
public final class PodMemory {
    private static final long PAGE_KB = 4;
    private static final long PRESENT = 1L << 63;
    private static final long PFN_MASK = (1L << 55) - 1;
    private static final int ENTRIES_PER_READ = 64 * 1024;

    private PodMemory() {
    }

    /** {@code residentKb}: distinct resident pages (or the VmRSS sum when those cannot be read). */
    public record Figure(long residentKb, long vmRssSumKb, boolean distinct) {
    }

    public static Figure of(Collection<Long> pids) {
        long rssSum = pids.stream().mapToLong(Procs::rssKb).sum();
        Set<Long> frames = new HashSet<>();
        boolean readable = true;
        for (long pid : pids) {
            readable &= residentFrames(pid, frames);
        }
        return readable && !frames.isEmpty() ? new Figure(frames.size() * PAGE_KB, rssSum, true)
                : new Figure(rssSum, rssSum, false);
    }

    /** Adds the page frames PID has resident to frames; false when the frame numbers are hidden (not privileged). */
    static boolean residentFrames(long pid, Set<Long> frames) {
        Path proc = Path.of("/proc", Long.toString(pid));
        boolean anyPresent = false;
        boolean anyFrame = false;
        try (FileChannel pagemap = FileChannel.open(proc.resolve("pagemap"))) {
            ByteBuffer buf = ByteBuffer.allocate(ENTRIES_PER_READ * 8).order(ByteOrder.nativeOrder());
            for (String line : Files.readAllLines(proc.resolve("maps"))) {
                if (line.endsWith("[vsyscall]")) {
                    continue; // outside the user address range pagemap covers
                }
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                long first = Long.parseUnsignedLong(range[0], 16) / 4096;
                long end = Long.parseUnsignedLong(range[1], 16) / 4096;
                for (long page = first; page < end; page += ENTRIES_PER_READ) {
                    int n = (int) Math.min(ENTRIES_PER_READ, end - page);
                    buf.clear().limit(n * 8);
                    long at = page * 8;
                    while (buf.hasRemaining() && pagemap.read(buf, at + buf.position()) > 0) {
                        // positional reads until the chunk is full or the file ends
                    }
                    buf.flip();
                    while (buf.remaining() >= 8) {
                        long entry = buf.getLong();
                        if ((entry & PRESENT) != 0) {
                            anyPresent = true;
                            long frame = entry & PFN_MASK;
                            if (frame != 0) {
                                anyFrame = true;
                                frames.add(frame);
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException gone) {
            return true; // the process is gone: it holds no memory
        }
        return !anyPresent || anyFrame;
    }
}

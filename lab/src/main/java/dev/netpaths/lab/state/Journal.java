package dev.netpaths.lab.state;

import dev.netpaths.lab.LabException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Append-only record of everything the lab creates, one entry per line, written and synced BEFORE the thing
 * exists. {@code down} works from this file alone, so a lab whose CLI or JVMs died with {@code kill -9} is still
 * removed completely.
 */
public final class Journal {
    public static final String FILE = "journal";

    private final Path file;

    public Journal(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    public void netns(String name) {
        append(new Entry.Netns(name));
    }

    public void process(long pid, long startTime, String what) {
        append(new Entry.Proc(pid, startTime, what));
    }

    /** A process started in the network namespace {@code netns} (which tells two clusters' same-named pods apart). */
    public void process(long pid, long startTime, String netns, String what) {
        append(new Entry.Proc(pid, startTime, netns, what));
    }

    public void cni(String nodeNs, String podNs, String containerId, Path conf, String plugin) {
        append(new Entry.Cni(nodeNs, podNs, containerId, conf.toString(), plugin));
    }

    public void path(Path p) {
        append(new Entry.PathEntry(p.toString()));
    }

    public synchronized void append(Entry e) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.UTF_8.encode(e.line() + "\n"));
                ch.force(true);
            }
        } catch (IOException ex) {
            throw new LabException("cannot write the state journal " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** The rootless namespace holder this journal records, if any. */
    public java.util.Optional<Entry.Holder> holder() {
        return read().stream().filter(Entry.Holder.class::isInstance).map(Entry.Holder.class::cast).findFirst();
    }

    /** True when the journal records something besides a rootless namespace holder (a lab, or part of one). */
    public boolean recordsLab() {
        return read().stream().anyMatch(e -> !(e instanceof Entry.Holder));
    }

    public List<Entry> read() {
        if (!exists()) {
            return List.of();
        }
        try {
            List<Entry> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                // a kill -9 can leave a torn last line: skip what does not parse
                Entry.parse(line).ifPresent(out::add);
            }
            return out;
        } catch (IOException ex) {
            throw new LabException("cannot read the state journal " + file + ": " + ex.getMessage(), ex);
        }
    }
}

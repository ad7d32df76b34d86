package dev.netpaths.lab.cli;

import dev.netpaths.lab.LabTargets;
import dev.netpaths.lab.state.StateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code <state-dir>/exec-index}: the names {@code exec} takes exactly, with their network namespaces
 * ({@link LabTargets#exactNames}), for scripts/lab/lab.sh to run {@code exec} in a lab in the machine's own namespaces
 * without starting this CLI (a workshop page runs dozens of them; each JVM costs about a second of CPU). lab.sh uses it
 * only while it is newer than every file it was made from, so a change to the lab sends the next {@code exec} here,
 * which writes it anew.
 */
final class ExecIndex {
    static final String FILE = "exec-index";

    private ExecIndex() {
    }

    /** The files the index is made from: the journal, lab.properties and each cluster's cluster.yaml. */
    static List<Path> sources(Path stateDir) {
        List<Path> files = new ArrayList<>(List.of(stateDir.resolve("journal"), stateDir.resolve("lab.properties")));
        try (Stream<Path> dirs = Files.list(stateDir)) {
            dirs.map(d -> d.resolve("cluster.yaml")).filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException e) {
            // no state dir: nothing to index
        }
        return files;
    }

    /**
     * Writes the index; when a source changed while it was being made (a live verb beside this exec), removes it
     * again, so lab.sh never reads an index older than what it describes. Best effort: exec works without it.
     */
    static void write(Path stateDir) {
        Path index = stateDir.resolve(FILE);
        try {
            FileTime before = newest(sources(stateDir));
            StateFiles.write(index, LabTargets.of(stateDir).exactNames());
            if (!newest(sources(stateDir)).equals(before)) {
                Files.deleteIfExists(index);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(index);
            } catch (IOException ignored) {
                // exec falls back to this CLI whenever the index is missing or stale
            }
        }
    }

    private static FileTime newest(List<Path> files) throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        for (Path f : files) {
            if (Files.exists(f) && Files.getLastModifiedTime(f).compareTo(newest) > 0) {
                newest = Files.getLastModifiedTime(f);
            }
        }
        return newest;
    }
}

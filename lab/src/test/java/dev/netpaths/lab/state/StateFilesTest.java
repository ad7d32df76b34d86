package dev.netpaths.lab.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of the state dir rewritten while another process reads it (the harness loading cluster.yaml while the
 * lab rewrites it): every read sees one whole version. The same reader against a plain rewrite in place
 * ({@code Files.writeString}: truncate, then write) sees a torn file, so the check can fail.
 */
class StateFilesTest {

    /** Two versions of a cluster.yaml-sized file, each recognisable as whole by its last line. */
    static final String A = version('a');
    static final String B = version('b');

    static String version(char c) {
        return (String.valueOf(c).repeat(99) + "\n").repeat(10_000) + "end " + c + "\n";
    }

    /**
     * Rewrites the file {@code writes} times, alternating A and B, while this thread reads it; the torn reads. With
     * {@code untilTorn} the writer stops at the first torn read (or after 30 s).
     */
    static List<String> tornReads(Path file, BiConsumer<Path, String> writer, int writes, boolean untilTorn)
            throws Exception {
        writer.accept(file, A);
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean seen = new AtomicBoolean();
        long deadline = System.nanoTime() + 30_000_000_000L;
        Thread w = new Thread(() -> {
            for (int i = 0; untilTorn ? !seen.get() && System.nanoTime() < deadline : i < writes; i++) {
                writer.accept(file, i % 2 == 0 ? B : A);
            }
            done.set(true);
        });
        w.start();
        List<String> torn = new ArrayList<>();
        while (!done.get()) {
            String read = Files.readString(file);
            if (!read.equals(A) && !read.equals(B)) {
                torn.add(read.length() + " chars");
                seen.set(true);
            }
        }
        w.join(60_000);
        return torn;
    }

    @Test
    void aReaderSeesTheOldOrTheNewFileNeverAPartOfOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("netpaths/cluster.yaml");
        assertEquals(List.of(), tornReads(file, StateFiles::write, 100, false));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aRewriteInPlaceIsSeenTornByTheSameReader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        List<String> torn = tornReads(file, (f, text) -> {
            try {
                Files.writeString(f, text);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 0, true);
        assertTrue(!torn.isEmpty(), "the reader must be able to see a torn file, or the test above proves nothing");
    }

    @Test
    void aFailedRenameNamesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.createDirectories(file.resolve("in-the-way"));
        dev.netpaths.lab.LabException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.netpaths.lab.LabException.class, () -> StateFiles.write(file, A));
        assertTrue(e.getMessage().startsWith("cannot write " + file), e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "the temporary file is removed");
        }
    }
}

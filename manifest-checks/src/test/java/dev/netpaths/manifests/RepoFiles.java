package dev.netpaths.manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The repository's files for the tests that hold a README to them: reads and listings, an I/O error as unchecked. */
final class RepoFiles {

    static final Path ROOT = Fixtures.LAYOUT.root();

    private RepoFiles() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file relative to the repository root, read. */
    static String read(String relative) {
        return read(ROOT.resolve(relative));
    }

    /** Every file under {@code dir} (any depth) whose name ends with {@code suffix}, sorted. */
    static List<Path> walk(Path dir, String suffix) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries directly in {@code dir}, sorted. */
    static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the directories directly under {@code relative} (a path from the repository root). */
    static Set<String> dirs(String relative) {
        return list(ROOT.resolve(relative)).stream().filter(Files::isDirectory).map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}

package dev.netpaths.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md's class table names this module's classes, all of them and only those, and each row's "Used by" is the
 * modules whose sources import one of the row's classes.
 */
class ReadmeTableTest {

    private static final Path ROOT = Path.of("..");
    private static final Path SOURCES = Path.of("src/main/java/dev/netpaths/testsupport");

    @Test
    void theClassTableIsThisModulesClassesAndTheModulesThatUseThem() throws Exception {
        List<List<String>> rows = MarkdownTable.headed(Files.readString(Path.of("README.md")), "Class", "What it is for", "Used by");
        Set<String> named = new TreeSet<>();
        for (List<String> row : rows) {
            List<String> classes = MarkdownTable.code(row.get(0));
            named.addAll(classes);
            Set<String> usedBy = new TreeSet<>(List.of(row.get(2).split(",\\s*")));
            assertEquals(usersOf(classes), usedBy, "the modules that import " + classes);
        }
        Set<String> classes;
        try (Stream<Path> files = Files.list(SOURCES)) {
            classes = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java") && !n.equals("package-info.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(classes, named, "README.md's class table against " + SOURCES);
    }

    /** The Maven modules (but this one) whose sources name one of these classes by its import. */
    private static Set<String> usersOf(List<String> classes) throws IOException {
        Pattern imported = Pattern.compile("import (static )?dev\\.netpaths\\.testsupport\\.(" + String.join("|", classes) + ")\\b");
        Set<String> users = new TreeSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")) && Files.isDirectory(m.resolve("src")))
                    .filter(m -> !m.getFileName().toString().equals("test-support")).toList()) {
                try (Stream<Path> sources = Files.walk(module.resolve("src"))) {
                    if (sources.filter(f -> f.toString().endsWith(".java")).anyMatch(f -> imported.matcher(read(f)).find())) {
                        users.add(module.getFileName().toString());
                    }
                }
            }
        }
        return users;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

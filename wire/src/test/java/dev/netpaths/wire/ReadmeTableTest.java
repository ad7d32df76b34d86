package dev.netpaths.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.testsupport.MarkdownTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md's type table names the payload types of this module, all of them and only those that exist; the two
 * helpers (Wire, LocalHost) are named where the README says what they do.
 */
class ReadmeTableTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/netpaths/wire");
    private static final Set<String> HELPERS = Set.of("Wire", "LocalHost");

    @Test
    void theTypeTableIsThisModulesTypes() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> named = new TreeSet<>();
        for (List<String> row : MarkdownTable.headed(readme, "Type", "Written by", "Read by")) {
            // "(+ `Request`)" names a nested type of the row's type
            for (String span : MarkdownTable.code(row.get(0).replaceAll("\\(\\+[^)]*\\)", ""))) {
                named.add(span.replaceAll("\\W.*", ""));
            }
        }
        Set<String> types = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java") && !n.equals("package-info.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).forEach(types::add);
        }
        Set<String> payloads = new TreeSet<>(types);
        payloads.removeAll(HELPERS);
        assertEquals(payloads, named, "README.md's type table against the top-level types in " + SOURCES);
        HELPERS.forEach(h -> assertTrue(types.contains(h) && readme.contains("`" + h), h + " exists and README.md names it"));
    }
}

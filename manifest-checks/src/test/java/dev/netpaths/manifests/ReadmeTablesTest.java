package dev.netpaths.manifests;

import dev.netpaths.testsupport.MarkdownTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tables in manifest-checks/README.md and k8s/README.md name what exists, all of it, and nothing else. */
class ReadmeTablesTest {

    private static final Path ROOT = Fixtures.LAYOUT.root();
    private static final Path SOURCES = ROOT.resolve("manifest-checks/src/main/java/dev/netpaths/manifests");

    @Test
    void theCrossCheckTableNamesEveryCheckClassAndEachRowSaysHowItWasProvenAbleToFail() {
        List<List<String>> rows = MarkdownTable.after(read(ROOT.resolve("manifest-checks/README.md")), "## Cross-checks");
        Set<String> named = new TreeSet<>();
        for (List<String> row : rows) {
            Matcher name = Pattern.compile("^`(\\w+)").matcher(row.get(0));
            if (name.find()) {
                named.add(name.group(1));
                String cls = name.group(1);
                assertTrue(Files.isRegularFile(SOURCES.resolve(cls + ".java"))
                                || Files.isRegularFile(ROOT.resolve("manifest-checks/src/test/java/dev/netpaths/manifests/" + cls + ".java")),
                        "the table names " + cls + ", which does not exist");
            }
            if (!row.get(0).equals("headers")) {
                assertFalse(row.get(2).isBlank() || row.get(2).equals("-"), row.get(0) + ": proven able to fail by what?");
            }
        }
        Set<String> checks = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            files.filter(f -> read(f).contains("implements Check"))
                    .forEach(f -> checks.add(f.getFileName().toString().replace(".java", "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checks.removeAll(Set.of("StrictModelCheck", "SchemaCheck")); // the "How each kind is checked" table
        assertTrue(named.containsAll(checks), "checks missing from the table: " + checks.stream().filter(c -> !named.contains(c)).toList());
    }

    @Test
    void k8sReadmeTablesNameEveryOverlayAndComponentAndNothingElse() {
        String readme = read(ROOT.resolve("k8s/README.md"));
        Set<String> applied = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## Apply")) {
            Matcher m = Pattern.compile("k8s/overlays/([\\w-]+)").matcher(row.get(1));
            while (m.find()) {
                applied.add(m.group(1));
            }
        }
        assertEquals(dirs("k8s/overlays"), applied, "## Apply names every overlay under k8s/overlays/, and only those");
        Set<String> parts = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## What each part adds")) {
            Matcher m = Pattern.compile("components/([\\w-]+)").matcher(row.get(0));
            if (m.find()) {
                parts.add(m.group(1));
            }
        }
        assertEquals(dirs("k8s/components"), parts, "## What each part adds has a row per component");
    }

    private static Set<String> dirs(String under) {
        try (Stream<Path> list = Files.list(ROOT.resolve(under))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

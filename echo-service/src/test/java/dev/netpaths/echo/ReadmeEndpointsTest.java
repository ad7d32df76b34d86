package dev.netpaths.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.testsupport.MarkdownTable;
import dev.netpaths.testsupport.ResourcePaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** README.md's endpoint table names the paths EchoResource declares, all of them, and only those. */
class ReadmeEndpointsTest {

    /** The catch-all template: it serves {@code /echo}, {@code /} and every path the README's first row means. */
    private static final String CATCH_ALL = "/{path: .*}";

    @Test
    void theEndpointTableIsTheResourcesPaths() throws Exception {
        Set<String> declared = ResourcePaths.pathsOf(ResourcePaths.of(EchoResource.class));
        assertTrue(declared.contains(CATCH_ALL), "echo answers every path: " + declared);
        Set<String> named = new TreeSet<>();
        List<List<String>> rows = MarkdownTable.headed(Files.readString(Path.of("README.md")), "Endpoint", "Answer");
        for (List<String> row : rows) {
            MarkdownTable.code(row.get(0)).stream().filter(p -> p.startsWith("/") && !p.startsWith("/q/")).forEach(named::add);
        }
        // the first row is the catch-all's: the paths it names are served by it, not declared one by one
        assertTrue(rows.get(0).get(0).contains("every path not below"), "the first row says the catch-all: " + rows.get(0));
        Set<String> catchAllRow = new TreeSet<>(MarkdownTable.code(rows.get(0).get(0)));
        Set<String> undeclared = new TreeSet<>(named);
        undeclared.removeAll(declared);
        assertEquals(catchAllRow, undeclared, "README paths that no resource method declares, other than the catch-all row's");
        Set<String> unnamed = new TreeSet<>(declared);
        unnamed.removeAll(named);
        assertEquals(Set.of(CATCH_ALL), unnamed, "resource paths README.md's table does not name");
    }
}

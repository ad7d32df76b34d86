package dev.netpaths.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.conformance.catalogue.Catalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * conformance/README.md's case table is the catalogue: the text between its markers must equal what
 * {@code --list --markdown} prints (regenerate it with that command when a case changes).
 */
class ReadmeCatalogueTest {

    static final String BEGIN = "<!-- catalogue:begin (generated: netpaths-conformance --list --markdown) -->\n";
    static final String END = "<!-- catalogue:end -->";

    @Test
    void theReadmeTableIsTheCatalogue() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        String table = begin < 0 || end < begin ? "(markers missing)" : readme.substring(begin + BEGIN.length(), end);
        assertEquals(CatalogueTable.markdown(Catalogue.CASES), table,
                "conformance/README.md's case table differs from the catalogue: regenerate it with --list --markdown");
    }
}

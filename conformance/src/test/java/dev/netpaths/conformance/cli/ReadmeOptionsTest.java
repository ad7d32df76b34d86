package dev.netpaths.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.testsupport.MarkdownTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * README.md's option table is the harness's command line: every long option Main declares (picocli's model) is in
 * it, and it names no other (scripts/test/readme.bats checks the second half for every doc; this adds the first).
 */
class ReadmeOptionsTest {

    @Test
    void theOptionTableNamesEveryOptionMainDeclaresAndNoOther() throws Exception {
        List<List<String>> rows = MarkdownTable.headed(Files.readString(Path.of("README.md")), "Option", "Meaning");
        Set<String> named = new TreeSet<>();
        for (List<String> row : rows) {
            for (String cell : row) {
                for (String span : MarkdownTable.code(cell)) {
                    for (String word : span.split("\\s+")) {
                        if (word.matches("--[a-z][a-z-]*|-[a-zA-Z]")) {
                            named.add(word);
                        }
                    }
                }
            }
        }
        Set<String> declared = new TreeSet<>();
        for (OptionSpec option : new CommandLine(new Main()).getCommandSpec().options()) {
            declared.addAll(List.of(option.names()));
        }
        // picocli's standard help options: the table names their short forms
        assertTrue(declared.containsAll(Set.of("-h", "--help", "-V", "--version")), declared.toString());
        declared.removeAll(Set.of("--help", "--version"));
        assertEquals(declared, named, "README.md's option table against Main's @Option fields");
    }
}

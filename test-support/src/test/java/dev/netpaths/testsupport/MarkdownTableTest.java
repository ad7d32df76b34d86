package dev.netpaths.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {
    private static final String PAGE = """
            # A service
            Some prose.

            | Endpoint | Answer |
            |---|---|
            | `/a`, `/b` | one |
            | `GET /c?x=1` | two |

            ## Settings
            Text before the table.

            | Key | Default |
            |:---|---:|
            | `k` | `1` |
            Not a row.
            | `z` | after the table ended |
            """;

    @Test
    void aTableIsFoundByItsHeaderRowOrTheHeadingBeforeIt() {
        assertEquals(List.of(List.of("`/a`, `/b`", "one"), List.of("`GET /c?x=1`", "two")),
                MarkdownTable.headed(PAGE, "Endpoint", "Answer"));
        assertEquals(List.of(List.of("`k`", "`1`")), MarkdownTable.after(PAGE, "## Settings"),
                "the rule row is dropped and the table ends at the first line that is not a row");
    }

    @Test
    void aMissingTableFailsNamingWhatWasLookedFor() {
        assertEquals("no table with the columns [Endpoint, Status]",
                assertThrows(AssertionError.class, () -> MarkdownTable.headed(PAGE, "Endpoint", "Status")).getMessage());
        assertEquals("no line ## Nothing", assertThrows(AssertionError.class, () -> MarkdownTable.after(PAGE, "## Nothing")).getMessage());
    }

    @Test
    void anEscapedPipeIsPartOfItsCellNotABorder() {
        String page = "| Option | Meaning |\n|---|---|\n| `--require all\\|GROUP` | groups \\| more |\n";
        assertEquals(List.of(List.of("`--require all|GROUP`", "groups | more")), MarkdownTable.headed(page, "Option", "Meaning"));
        assertEquals(List.of("--require all|GROUP"), MarkdownTable.code(MarkdownTable.headed(page, "Option", "Meaning").get(0).get(0)));
    }

    @Test
    void codeSpansComeBackInOrder() {
        assertEquals(List.of("/a", "/b"), MarkdownTable.code("`/a`, `/b`"));
        assertEquals(List.of(), MarkdownTable.code("plain"));
    }
}

package dev.netpaths.conformance.cli;

import dev.netpaths.conformance.catalogue.PathCase;
import java.util.List;

/** {@code --list}: the catalogue as a plain table (name, group, what it proves, when it skips). */
final class CatalogueTable {

    private CatalogueTable() {}

    static String render(List<PathCase> cases) {
        int width = cases.stream().mapToInt(c -> c.name().length()).max().orElse(4);
        String format = "%-" + width + "s  %-13s  %s%n";
        StringBuilder out = new StringBuilder(String.format(format, "CASE", "GROUP", "PROVES (skips when)"));
        cases.forEach(c -> out.append(String.format(format, c.name(), c.group(), c.proves() + " (skips: "
                + c.skipsWhen() + ")")));
        return out.append(cases.size()).append(" cases\n").toString();
    }

    /** The same catalogue as the Markdown table in conformance/README.md (a test keeps the two identical). */
    static String markdown(List<PathCase> cases) {
        StringBuilder out = new StringBuilder("| Case | Group | What it proves | Skips when |\n|---|---|---|---|\n");
        cases.forEach(c -> out.append("| `").append(c.name()).append("` | ").append(c.group()).append(" | ")
                .append(c.proves().replace("|", "\\|")).append(" | ").append(c.skipsWhen().replace("|", "\\|"))
                .append(" |\n"));
        return out.toString();
    }
}

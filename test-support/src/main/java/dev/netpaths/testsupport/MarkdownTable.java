package dev.netpaths.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the tables a README restates (endpoints, settings, checks), so that a test can hold them to the code.
 * A table is found by a line before it (its heading) or by its header row; its body rows come back as cells.
 */
public final class MarkdownTable {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private MarkdownTable() {
    }

    /** The body rows of the first table after the line {@code heading} (e.g. {@code ## Cross-checks}). */
    public static List<List<String>> after(String markdown, String heading) {
        List<String> lines = markdown.lines().toList();
        int at = lines.indexOf(heading);
        if (at < 0) {
            throw new AssertionError("no line " + heading);
        }
        List<List<String>> rows = rows(lines.subList(at + 1, lines.size()));
        if (rows.isEmpty()) {
            throw new AssertionError("no table after " + heading);
        }
        return rows.subList(1, rows.size());
    }

    /** The body rows of the table whose header row names these columns ({@code "Endpoint", "Answer"}). */
    public static List<List<String>> headed(String markdown, String... columns) {
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("|") && cells(lines.get(i)).equals(List.of(columns))) {
                List<List<String>> rows = rows(lines.subList(i, lines.size()));
                return rows.subList(1, rows.size());
            }
        }
        throw new AssertionError("no table with the columns " + List.of(columns));
    }

    /** The code spans of a cell, in order ({@code `/q/health/live`, `/q/metrics`}). */
    public static List<String> code(String cell) {
        List<String> spans = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            spans.add(m.group(1));
        }
        return spans;
    }

    /** The first table's rows from the start of {@code lines}, header included, rule rows dropped. */
    private static List<List<String>> rows(List<String> lines) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("|")) {
                List<String> cells = cells(line);
                if (!cells.get(0).matches(":?-+:?")) {
                    rows.add(cells);
                }
            } else if (!rows.isEmpty()) {
                break;
            }
        }
        return rows;
    }

    /** The cells of a row; {@code \|} is a pipe inside a cell (GitHub's escape, e.g. {@code `all\|GROUP`}), not a border. */
    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.endsWith("|") && !inner.endsWith("\\|") ? inner.length() - 1 : inner.length());
        return Stream.of(inner.split("(?<!\\\\)\\|", -1)).map(c -> c.replace("\\|", "|").strip()).toList();
    }
}

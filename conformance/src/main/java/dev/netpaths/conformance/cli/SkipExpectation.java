package dev.netpaths.conformance.cli;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.report.PathRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code --expect-skips}: the set of paths a run may skip, compared with what it skipped. The value is
 * {@code none}, a comma-separated list of globs over case names, groups and path keys (e.g.
 * {@code cross-cluster}), or a file of such globs, one a line ({@code #} comments).
 */
final class SkipExpectation {

    private final List<String> globs;

    private SkipExpectation(List<String> globs) {
        this.globs = globs;
    }

    static SkipExpectation parse(String value) {
        if (value.equals("none")) {
            return new SkipExpectation(List.of());
        }
        Path file = Path.of(value);
        try {
            List<String> globs = Files.isRegularFile(file)
                    ? Files.readAllLines(file).stream().map(String::strip)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()
                    : Arrays.stream(value.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
            return new SkipExpectation(globs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empty when exactly the expected paths skipped: every skip matches a glob, every glob matched a skip. */
    List<String> problems(List<PathRecord> records) {
        Map<String, Pattern> matchers = globs.stream().collect(Collectors.toMap(g -> g, SkipExpectation::glob,
                (a, b) -> a, java.util.LinkedHashMap::new));
        List<String> problems = new ArrayList<>();
        List<PathRecord> skipped = records.stream().filter(r -> PathRecord.SKIPPED.equals(r.result())).toList();
        for (PathRecord r : skipped) {
            if (matchers.values().stream().noneMatch(m -> matches(m, r))) {
                problems.add("unexpected skip: " + r.name() + ": " + r.reason());
            }
        }
        for (Map.Entry<String, Pattern> g : matchers.entrySet()) {
            if (skipped.stream().noneMatch(r -> matches(g.getValue(), r))
                    && records.stream().anyMatch(r -> matches(g.getValue(), r))) {
                problems.add("expected to skip but ran: " + g.getKey());
            }
        }
        return problems;
    }

    private static boolean matches(Pattern p, PathRecord r) {
        return p.matcher(r.caseName()).matches() || p.matcher(r.group()).matches() || p.matcher(r.name()).matches();
    }

    /** A glob ({@code *} any run of characters, {@code ?} one) as a whole-string pattern. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            regex.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(regex.toString());
    }

    /** The groups a --require value names ({@code all}: every group of the catalogue). */
    static List<String> groups(String value) {
        List<String> known = Catalogue.CASES.stream().map(PathCase::group).distinct().toList();
        if (value.equals("all")) {
            return known;
        }
        List<String> groups = Arrays.stream(value.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
        for (String g : groups) {
            if (!known.contains(g)) {
                throw new IllegalArgumentException("unknown group " + g + " (groups: " + known + ")");
            }
        }
        return groups;
    }
}

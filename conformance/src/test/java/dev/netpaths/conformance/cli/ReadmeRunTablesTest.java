package dev.netpaths.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.conformance.support.Fixture;
import dev.netpaths.testsupport.MarkdownTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * README.md's "Exit status" table is the harness's exit codes (the codes Main declares to picocli, which --help
 * prints, and the code a run of each kind returns), and its "Reports" table is the files a run and a --compare write,
 * all of them and no other.
 */
class ReadmeRunTablesTest {

    private static final String README = read(Path.of("README.md"));

    /** The code each kind of run returns: a --list, a lab run that proves nothing, an unknown option (MainTest has the rest). */
    private static final Map<String, String[]> RUN_OF_CODE = Map.of(
            "0", new String[] {"--list"},
            "1", new String[] {"--lab-state", Fixture.LAB_STATE.toString(), "--case", "istio*", "--reports", "RUN"},
            "2", new String[] {"--no-such-option"});

    @TempDir
    static Path runs;
    /** The files a lab run of the fixture wrote, and those --compare of two such runs wrote. */
    static Set<String> runFiles;
    static Set<String> compareFiles;
    static Map<String, Integer> codeOfRun = new TreeMap<>();

    @BeforeAll
    static void runTheHarness() throws IOException {
        RUN_OF_CODE.forEach((code, args) -> codeOfRun.put(code, run(Stream.of(args)
                .map(a -> a.equals("RUN") ? runs.resolve("run").toString() : a).toArray(String[]::new))));
        runFiles = files(runs.resolve("run"));
        Path copy = Files.createDirectories(runs.resolve("copy"));
        Files.copy(runs.resolve("run/report.json"), copy.resolve("report.json"));
        assertEquals(0, run("--compare", runs.resolve("run").toString(), copy.toString(), "--reports",
                runs.resolve("compare").toString()));
        compareFiles = files(runs.resolve("compare"));
    }

    @Test
    void theExitStatusTableIsTheHarnessesExitCodes() {
        assertEquals(List.of(), exitStatusProblems(README));
    }

    @Test
    void theExitStatusCheckFailsOnACodeTheHarnessDoesNotHaveOrAMissingOne() {
        String broken = README.replace("| 2 | usage error", "| 3 | usage error");
        assertEquals(List.of("README.md's Exit status table has 3, which Main does not declare (its codes: [0, 1, 2])",
                "Main declares exit code 2 (\"usage error (also: the peer is cluster A itself)\"), which README.md's Exit status table lacks"),
                exitStatusProblems(broken));
    }

    @Test
    void theReportsTableIsTheFilesARunAndACompareWrite() {
        assertEquals(List.of(), reportsProblems(README));
    }

    @Test
    void theReportsCheckFailsOnAFileNoRunWritesOrAMissingOne() {
        String broken = README.replace("| `report.html` |", "| `index.html` |");
        assertEquals(List.of("README.md's Reports table names index.html, which a run does not write (it writes "
                        + runFiles + ")", "a run writes report.html, which README.md's Reports table does not name"),
                reportsProblems(broken));
    }

    static List<String> exitStatusProblems(String readme) {
        Map<String, String> declared = new TreeMap<>();
        new CommandLine(new Main()).getCommandSpec().usageMessage().exitCodeList()
                .forEach((code, meaning) -> declared.put(code.strip(), meaning.strip()));
        List<String> problems = new ArrayList<>();
        Set<String> inTable = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## Exit status")) {
            String code = row.get(0);
            inTable.add(code);
            if (!declared.containsKey(code)) {
                problems.add("README.md's Exit status table has " + code + ", which Main does not declare (its codes: "
                        + declared.keySet() + ")");
            } else if (!codeOfRun.containsKey(code)) {
                problems.add("exit code " + code + ": this test runs nothing that returns it (add a run to RUN_OF_CODE)");
            } else if (codeOfRun.get(code) != Integer.parseInt(code)) {
                problems.add("exit code " + code + ": the run " + List.of(RUN_OF_CODE.get(code)) + " returned " + codeOfRun.get(code));
            }
        }
        declared.forEach((code, meaning) -> {
            if (!inTable.contains(code)) {
                problems.add("Main declares exit code " + code + " (\"" + meaning + "\"), which README.md's Exit status table lacks");
            }
        });
        return problems;
    }

    static List<String> reportsProblems(String readme) {
        Set<String> run = new TreeSet<>();
        Set<String> compare = new TreeSet<>();
        for (List<String> row : MarkdownTable.after(readme, "## Reports (`--reports DIR`)")) {
            for (String span : MarkdownTable.code(row.get(0))) {
                if (span.startsWith("--")) {
                    continue; // the option that writes the file: `compare.html` (`--compare`)
                }
                (row.get(0).contains("`--compare`") ? compare : run).add(span);
            }
        }
        List<String> problems = new ArrayList<>();
        compare(run, runFiles, "a run", problems);
        compare(compare, compareFiles, "--compare", problems);
        return problems;
    }

    private static void compare(Set<String> named, Set<String> written, String who, List<String> problems) {
        named.stream().filter(f -> !written.contains(f)).forEach(f -> problems.add("README.md's Reports table names " + f
                + ", which " + who + " does not write (it writes " + written + ")"));
        written.stream().filter(f -> !named.contains(f)).forEach(f -> problems.add(who + " writes " + f
                + ", which README.md's Reports table does not name"));
    }

    private static int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
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

package dev.netpaths.conformance.cli;

import dev.netpaths.conformance.report.BrowserCheck;
import dev.netpaths.conformance.report.PathRecord;
import dev.netpaths.conformance.report.Reports;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check-report DIR}: opens DIR/report.html in headless Chromium and checks it rendered every case. */
@Command(name = "check-report", mixinStandardHelpOptions = true,
        description = "Check a run's report.html in real headless Chromium: rendered marker, a row per case in "
                + "report.json, no page errors. Exit 0 when it rendered, 1 when not.")
final class CheckReport implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "a report directory (holds report.json and report.html)")
    Path dir;

    @picocli.CommandLine.Option(names = "--expect-skips", paramLabel = "none|GLOB,...|FILE",
            description = "also compare the run's skipped paths with these (as the run option of the same name)")
    String expectSkips;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(dir.resolve(Reports.JSON)) || !Files.isRegularFile(dir.resolve(Reports.HTML))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), dir + " holds no "
                    + Reports.JSON + " and " + Reports.HTML);
        }
        BrowserCheck.Verdict verdict = BrowserCheck.check(dir.resolve(Reports.HTML),
                Reports.read(dir).cases().stream().map(PathRecord::name).toList());
        verdict.problems().forEach(p -> out.println("FAIL " + p));
        out.println(verdict.ok() ? "report.html rendered every case in Chromium" : "report.html check failed");
        boolean skipsOk = true;
        if (expectSkips != null) {
            java.util.List<String> problems = SkipExpectation.parse(expectSkips).problems(Reports.read(dir).cases());
            problems.forEach(p -> out.println("FAIL --expect-skips: " + p));
            skipsOk = problems.isEmpty();
            out.println(skipsOk ? "skipped exactly the expected paths (" + expectSkips + ")"
                    : "the skipped paths differ from --expect-skips " + expectSkips);
        }
        return verdict.ok() && skipsOk ? 0 : 1;
    }
}

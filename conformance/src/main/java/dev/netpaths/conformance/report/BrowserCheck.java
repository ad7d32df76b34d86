package dev.netpaths.conformance.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens a report page in real headless Chromium and checks what it rendered: the {@code rendered=ok} marker,
 * one row per case, and no script error or console line from the page.
 */
public final class BrowserCheck {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final long TIMEOUT_SECONDS = 60;

    private BrowserCheck() {}

    public record Verdict(List<String> problems, String dom) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Checks {@code page} (report.html or compare.html) for a row {@code data-case} per name in {@code caseNames}. */
    public static Verdict check(Path page, List<String> caseNames) throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            return new Verdict(List.of(CHROMIUM + " is missing: install chromium (scripts/install-deps.sh)"), "");
        }
        Path profile = Files.createTempDirectory("netpaths-chromium-");
        Path out = Files.createTempFile("netpaths-dom-", ".html");
        Path err = Files.createTempFile("netpaths-chromium-", ".log");
        try {
            Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--enable-logging=stderr", "--v=0", "--dump-dom", page.toAbsolutePath().toUri().toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                chromium.descendants().forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Verdict(List.of("chromium did not finish within " + TIMEOUT_SECONDS + " s (pid "
                        + chromium.pid() + " killed)"), "");
            }
            String dom = Files.readString(out, StandardCharsets.UTF_8);
            List<String> problems = new ArrayList<>();
            if (!dom.contains("data-rendered=\"ok\"")) {
                problems.add("the page did not set data-rendered=\"ok\" (its script failed or did not finish)");
            }
            for (String name : caseNames) {
                if (!dom.contains("<tr data-case=\"" + escape(name) + "\"")) {
                    problems.add("no row for case " + name);
                }
            }
            Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("Uncaught") || line.contains(":CONSOLE"))
                    .forEach(line -> problems.add("page console: " + line));
            return new Verdict(problems, dom);
        } finally {
            delete(profile);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The escaping a DOM serializer applies to attribute values (case names hold no angle brackets). */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("\u00a0", "&nbsp;");
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.netpaths.conformance.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Opens a report page in real headless Chromium and checks what it rendered: the {@code rendered=ok} marker,
 * one row per case, and no script error or console line from the page.
 */
public final class BrowserCheck {

    /** Where Chromium is looked for: the path in this variable, else these names on PATH (Debian, Fedora, Chrome). */
    public static final String CHROME_BIN = "CHROME_BIN";
    static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    static final long TIMEOUT_SECONDS = 60;

    private BrowserCheck() {}

    public record Verdict(List<String> problems, String dom) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Checks {@code page} (report.html or compare.html) for a row {@code data-case} per name in {@code caseNames}. */
    public static Verdict check(Path page, List<String> caseNames) throws IOException, InterruptedException {
        Optional<Path> browser = chromium();
        if (browser.isEmpty()) {
            return new Verdict(List.of("Chromium is missing: none of " + NAMES + " on PATH and no " + CHROME_BIN
                    + " (make deps installs it)"), "");
        }
        Path profile = Files.createTempDirectory("netpaths-chromium-");
        Path out = Files.createTempFile("netpaths-dom-", ".html");
        Path err = Files.createTempFile("netpaths-chromium-", ".log");
        try {
            Process chromium = new ProcessBuilder(browser.get().toString(), "--headless", "--no-sandbox", "--disable-gpu",
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

    /** The executable {@value #CHROME_BIN} names, else the first of {@link #NAMES} on PATH. */
    public static Optional<Path> chromium() {
        String named = System.getenv(CHROME_BIN);
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return NAMES.stream()
                .flatMap(name -> Arrays.stream(path.split(":")).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
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

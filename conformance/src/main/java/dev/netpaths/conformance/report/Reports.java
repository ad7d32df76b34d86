package dev.netpaths.conformance.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netpaths.conformance.probe.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes report.json, report.html, matrix.txt and compare.html; the HTML pages are self-contained. */
public final class Reports {

    public static final String JSON = "report.json";
    public static final String HTML = "report.html";
    public static final String MATRIX = "matrix.txt";
    public static final String COMPARE = "compare.html";

    private Reports() {}

    public static void write(Path dir, RunReport report) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON), Json.MAPPER.writeValueAsString(report));
        Files.writeString(dir.resolve(HTML), page("report.html", report));
        Files.writeString(dir.resolve(MATRIX), ConsoleMatrix.render(report));
    }

    public static RunReport read(Path dir) throws IOException {
        return Json.MAPPER.readValue(dir.resolve(JSON).toFile(), RunReport.class);
    }

    /** compare.html from earlier runs' directories (each holding a report.json), labelled by directory name. */
    public static Path compare(List<Path> runDirs, Path out) throws IOException {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Path dir : runDirs) {
            RunReport report = read(dir);
            runs.add(Map.of("label", dir.toAbsolutePath().normalize().getFileName() + " (" + report.run().cluster()
                    + ")", "report", report));
        }
        Files.createDirectories(out);
        Path file = out.resolve(COMPARE);
        Files.writeString(file, page("compare.html", runs));
        return file;
    }

    /** A template with the data embedded as JSON ({@code <} escaped so no string can close the script). */
    static String page(String template, Object data) throws JsonProcessingException {
        String json = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(data)
                .replace("<", "\\u003c");
        return resource(template).replace("/*STYLE*/", resource("style.css")).replace("/*DATA*/", json);
    }

    private static String resource(String name) {
        try (InputStream in = Reports.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

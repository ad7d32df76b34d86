package dev.netpaths.conformance.probe;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a caller pod is asked to do: caller-service's {@code GET /call} parameters. {@code stopAfterFailures} K > 0:
 * the caller stops after its first K tries when all of them failed (0: it makes every try).
 */
public record CallRequest(String url, int tries, int timeoutMs, Map<String, String> headers, int stopAfterFailures) {

    public CallRequest {
        headers = new TreeMap<>(headers);
    }

    public CallRequest(String url, int tries, int timeoutMs, Map<String, String> headers) {
        this(url, tries, timeoutMs, headers, 0);
    }

    /** The same request, stopped after its first {@code k} tries if they all failed (at most every try). */
    public CallRequest stoppingAfterFailures(int k) {
        return new CallRequest(url, tries, timeoutMs, headers, Math.min(k, tries));
    }

    /** The query string of {@code GET /call}; headers as repeated {@code header=Name:Value}. */
    public String query() {
        return Stream.concat(
                Stream.concat(Stream.of("url=" + encode(url), "tries=" + tries, "timeoutMs=" + timeoutMs),
                        stopAfterFailures > 0 ? Stream.of("stopAfterFailures=" + stopAfterFailures) : Stream.empty()),
                headers.entrySet().stream().map(h -> "header=" + encode(h.getKey() + ":" + h.getValue())))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

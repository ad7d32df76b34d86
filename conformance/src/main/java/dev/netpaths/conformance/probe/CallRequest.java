package dev.netpaths.conformance.probe;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a caller pod is asked to do: caller-service's {@code GET /call} parameters. */
public record CallRequest(String url, int tries, int timeoutMs, Map<String, String> headers) {

    public CallRequest {
        headers = new TreeMap<>(headers);
    }

    /** The query string of {@code GET /call}; headers as repeated {@code header=Name:Value}. */
    public String query() {
        return Stream.concat(
                Stream.of("url=" + encode(url), "tries=" + tries, "timeoutMs=" + timeoutMs),
                headers.entrySet().stream().map(h -> "header=" + encode(h.getKey() + ":" + h.getValue())))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

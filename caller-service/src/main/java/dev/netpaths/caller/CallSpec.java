package dev.netpaths.caller;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** A validated {@code /call} request: within the configured caps, ready to probe. */
record CallSpec(Target target, int tries, int timeoutMs, String method, List<Header> headers, String body,
                boolean followRedirects, int stopAfterFailures) {
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    static final int DEFAULT_TIMEOUT_MS = 2000;

    /**
     * Null arguments take the defaults: 1 try, 2000 ms (or the cap if lower), GET, no redirects, every try made.
     * {@code stopAfterFailures} K: the call stops after its first K tries when every one of them failed (a try that
     * answered before keeps the call going to its last try).
     */
    static CallSpec of(String url, Integer tries, Integer timeoutMs, String method, List<Header> headers,
                       String body, Boolean followRedirects, Integer stopAfterFailures, CallerConfig config) {
        if (url == null || url.isBlank()) {
            throw new BadInputException("url is required");
        }
        int n = tries == null ? 1 : tries;
        if (n < 1 || n > config.maxTries()) {
            throw new BadInputException("tries must be between 1 and " + config.maxTries() + ", got " + n);
        }
        int timeout = timeoutMs == null ? Math.min(DEFAULT_TIMEOUT_MS, config.maxTimeoutMs()) : timeoutMs;
        if (timeout < 1 || timeout > config.maxTimeoutMs()) {
            throw new BadInputException("timeoutMs must be between 1 and " + config.maxTimeoutMs() + ", got " + timeout);
        }
        int stop = stopAfterFailures == null ? 0 : stopAfterFailures;
        if (stopAfterFailures != null && (stop < 1 || stop > n)) {
            throw new BadInputException("stopAfterFailures must be between 1 and tries (" + n + "), got " + stop);
        }
        String m = method == null || method.isBlank() ? "GET" : method.trim().toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(m).matches()) {
            throw new BadInputException("invalid method: " + method);
        }
        return new CallSpec(Target.parse(url.trim()), n, timeout, m, headers == null ? List.of() : List.copyOf(headers),
                body, Boolean.TRUE.equals(followRedirects), stop);
    }

    /** Parses a number given as text (a query parameter), for a 400 that names the parameter. */
    static Integer number(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException(name + " must be a whole number, got: " + text);
        }
    }
}

package dev.netpaths.echo;

import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps Quarkus's HTTP binder ({@code http_server_requests_seconds}) bounded whatever clients send. Paths are
 * bounded by the binder itself: it tags a request with the path template of the resource method that answered
 * ({@code /status/{code}}; every echoed path has the template {@code /{path: .*}}, written here without its
 * regular expression as {@code /{path}}). Methods are not: the binder tags the method as sent, so here any method
 * but the nine standard ones is counted as {@code OTHER}.
 */
class MetricsFilters {

    static final String OTHER_METHOD = "OTHER";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    /** {@code {name: regex}} in a path template. */
    private static final Pattern TEMPLATE_REGEX = Pattern.compile("\\{(\\w+)\\s*:[^}]*}");

    @Produces
    @Singleton
    MeterFilter templatesWithoutRegex() {
        return MeterFilter.replaceTagValues("uri", uri -> TEMPLATE_REGEX.matcher(uri).replaceAll("{$1}"));
    }

    @Produces
    @Singleton
    MeterFilter standardMethodsOnly() {
        return MeterFilter.replaceTagValues("method", method -> METHODS.contains(method) ? method : OTHER_METHOD);
    }
}

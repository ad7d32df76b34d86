package dev.netpaths.echo;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The request metrics of the API routes, under the names Quarkus's HTTP binder uses: {@code
 * http_server_requests_seconds} (count, sum and max per method, uri, status and outcome) and {@code
 * http_server_active_requests}. The binder is off (application.properties): it built and looked up four tags per
 * request, about a tenth of the echo's time (docs/benchmarks.md); here each route's timers are registered once and
 * then found by index. /q/* requests are not counted (the binder left them out of the timers too).
 */
@Singleton
class RequestMetrics {

    /** The methods counted by name; any other (a client may send anything) counts as {@code OTHER}. */
    private static final Map<String, Integer> METHODS = Map.of("GET", 0, "HEAD", 1, "POST", 2, "PUT", 3,
            "DELETE", 4, "CONNECT", 5, "OPTIONS", 6, "TRACE", 7, "PATCH", 8);
    private static final String OTHER_METHOD = "OTHER";
    /** Statuses the routes can answer with: 100 to 599. */
    private static final int STATUS_LIMIT = 600;

    private final MeterRegistry registry;
    private final LongAdder active = new LongAdder();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("http.server.active.requests", active, LongAdder::doubleValue)
                .description("HTTP requests on the API routes not answered yet").register(registry);
    }

    /**
     * {@code handler}, counted in the series {@code uri=<uriTemplate>} whatever path the request had: active from
     * the moment the route is reached until the response ends; timed unless the connection closed first.
     */
    Handler<RoutingContext> counted(String uriTemplate, Handler<RoutingContext> handler) {
        Series series = new Series(uriTemplate);
        return ctx -> {
            long start = System.nanoTime();
            active.increment();
            ctx.addEndHandler(ended -> {
                active.decrement();
                if (ended.succeeded()) {
                    series.record(ctx.request().method(), ctx.response().getStatusCode(), System.nanoTime() - start);
                }
            });
            handler.handle(ctx);
        };
    }

    private final class Series {

        private final String uri;
        /** At {@code method * STATUS_LIMIT + status}, each timer registered on first use. */
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(
                (METHODS.size() + 1) * STATUS_LIMIT);

        Series(String uri) {
            this.uri = uri;
        }

        void record(HttpMethod method, int status, long nanos) {
            int row = METHODS.getOrDefault(method.name(), METHODS.size());
            int slot = row * STATUS_LIMIT + status;
            Timer timer = timers.get(slot);
            if (timer == null) {
                // Event loops may race here: register returns the one timer of these tags to each.
                timer = Timer.builder("http.server.requests").description("HTTP server request processing time")
                        .tag("method", row < METHODS.size() ? method.name() : OTHER_METHOD)
                        .tag("uri", uri)
                        .tag("status", Integer.toString(status))
                        .tag("outcome", Outcome.forStatus(status).name())
                        .register(registry);
                timers.set(slot, timer);
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}

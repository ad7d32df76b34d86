package dev.netpaths.echo;

import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.ErrorReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.netpaths.wire.Identity;

/**
 * The HTTP API of docs/architecture.md as plain Vert.x routes: every method on every path, so that Ingress and
 * Gateway rules forwarding {@code /v1/...} or {@code /split/...} reach an answer. Each route counts its requests in
 * one metrics series named after its path template ({@link RequestMetrics}).
 */
@Singleton
class EchoRoutes {

    private static final int MAX_DELAY_MS = 10_000;
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain; charset=utf-8");

    private final Identity identity;
    private final EchoConfig config;
    private final ObjectMapper mapper;
    private final RequestMetrics metrics;
    private final EchoJson echoJson;

    EchoRoutes(Identity identity, EchoConfig config, ObjectMapper mapper, RequestMetrics metrics)
            throws JsonProcessingException {
        this.identity = identity;
        this.config = config;
        this.mapper = mapper;
        this.metrics = metrics;
        this.echoJson = new EchoJson(identity, mapper);
    }

    void register(@Observes Router router) {
        router.route("/hostname").handler(metrics.counted("/hostname", ctx -> text(ctx, identity.pod())));
        router.route("/clientip")
                .handler(metrics.counted("/clientip", ctx -> text(ctx, hostAndPort(peer(ctx.request())))));
        router.route("/headers").handler(metrics.counted("/headers", ctx -> json(ctx, 200, headers(ctx.request()))));
        router.route("/status/:code").handler(metrics.counted("/status/{code}", rejectingBadInput(this::status)));
        router.route("/delay/:ms").handler(metrics.counted("/delay/{ms}", rejectingBadInput(this::delay)));
        // Last of all routes, so Quarkus's own /q/health/* and /q/metrics keep answering. All echoed paths share one
        // metrics series instead of one per path.
        router.route().order(Integer.MAX_VALUE)
                .handler(metrics.counted("/{path}", ctx -> withBody(ctx, body -> echo(ctx, 200, body))));
    }

    private void status(RoutingContext ctx) {
        int code = pathNumber(ctx, "code", 100, 599);
        withBody(ctx, body -> echo(ctx, code, body));
    }

    private void delay(RoutingContext ctx) {
        int millis = pathNumber(ctx, "ms", 0, MAX_DELAY_MS);
        withBody(ctx, body -> {
            if (millis == 0) {
                echo(ctx, 200, body);
            } else {
                ctx.vertx().setTimer(millis, timer -> echo(ctx, 200, body));
            }
        });
    }

    /** The echo JSON with the given status; 1xx, 204 and 304 responses carry no body by definition. */
    private void echo(RoutingContext ctx, int status, BodyCapture body) {
        if (status < 200) {
            // An informational status cannot be the final answer: send it and close, so that clients fail fast
            // instead of waiting for a final response that never comes.
            ctx.response().setStatusCode(status).end().onComplete(sent -> ctx.request().connection().close());
            return;
        }
        if (status == 204 || status == 304) {
            ctx.response().setStatusCode(status).end();
            return;
        }
        HttpServerRequest request = ctx.request();
        SocketAddress peer = peer(request);
        Map<String, List<String>> headers = headers(request);
        EchoReply.Request received = new EchoReply.Request(request.method().name(), request.path(),
                request.query() == null ? "" : request.query(), host(request), headers, body.text(),
                body.totalBytes(), body.truncated(), peer.hostAddress(), peer.port(),
                joined(headers.get("x-forwarded-for")), joined(headers.get("forwarded")),
                joined(headers.get("x-real-ip")));
        HttpServerResponse response = ctx.response();
        if (!response.closed()) { // the client may have left during /delay
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(echoJson.write(received));
        }
    }

    /**
     * Streams the request body through a {@link BodyCapture}, so a large upload never sits in memory. No body
     * handler runs before these routes: the router hands the request over paused, with its body unread.
     */
    private void withBody(RoutingContext ctx, Consumer<BodyCapture> then) {
        HttpServerRequest request = ctx.request();
        BodyCapture capture = new BodyCapture(config.maxBodyBytes());
        request.handler(capture::append);
        request.endHandler(end -> then.accept(capture));
        request.resume();
    }

    /** The route's ExceptionMapper: a {@link BadRequestException} becomes 400 JSON, never a stack trace. */
    private Handler<RoutingContext> rejectingBadInput(Handler<RoutingContext> handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (BadRequestException e) {
                json(ctx, 400, new ErrorReply(HttpResponseStatus.BAD_REQUEST.reasonPhrase(), e.getMessage()));
            }
        };
    }

    private static int pathNumber(RoutingContext ctx, String name, int min, int max) {
        String value = ctx.pathParam(name);
        String expected = name + " must be an integer from " + min + " to " + max + ", got '" + value + "'";
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(expected);
        }
        if (number < min || number > max) {
            throw new BadRequestException(expected);
        }
        return number;
    }

    private static Map<String, List<String>> headers(HttpServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), request.headers().getAll(name));
        }
        return headers;
    }

    private static String host(HttpServerRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null && request.authority() != null) {
            HostAndPort authority = request.authority();
            host = authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        }
        return host;
    }

    /** All values of a header joined as one line (as a proxy would fold them), or null when absent. */
    private static String joined(List<String> values) {
        return values == null ? null : String.join(", ", values);
    }

    /**
     * The TCP peer, straight from the connection: the router's request wrapper would parse the Host and
     * Forwarded headers first (it never uses them here, proxy-address-forwarding is off).
     */
    private static SocketAddress peer(HttpServerRequest request) {
        return request.connection().remoteAddress();
    }

    /** {@code ip:port} as agnhost netexec prints it, with IPv6 addresses in brackets. */
    private static String hostAndPort(SocketAddress address) {
        String ip = address.hostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.port();
    }

    private static void text(RoutingContext ctx, String body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT).end(body);
    }

    private void json(RoutingContext ctx, int status, Object payload) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            return; // the client left during /delay
        }
        try {
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer(mapper.writeValueAsBytes(payload)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}

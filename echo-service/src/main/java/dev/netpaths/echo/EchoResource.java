package dev.netpaths.echo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.ErrorReply;
import dev.netpaths.wire.Identity;

/**
 * The HTTP API of docs/architecture.md ("echo-service payloads") on Quarkus REST: every method ({@link AnyMethod})
 * on every path, so that Ingress and Gateway rules forwarding {@code /v1/...} or {@code /split/...} reach an
 * answer. Every method is {@link NonBlocking}: nothing here waits, so each request is answered on the event loop
 * that read it, without a hop to a worker thread (docs/benchmarks.md). Metrics come from Quarkus's Micrometer
 * binder, one series per path template ({@link MetricsFilters}).
 */
@Path("/")
@NonBlocking
@Produces(MediaType.APPLICATION_JSON)
public class EchoResource {

    private static final int MAX_DELAY_MS = 10_000;

    private final Identity identity;
    private final EchoConfig config;
    private final Vertx vertx;

    EchoResource(Identity identity, EchoConfig config, Vertx vertx) {
        this.identity = identity;
        this.config = config;
        this.vertx = vertx;
    }

    @AnyMethod
    @Path("hostname")
    @Produces(MediaType.TEXT_PLAIN)
    public String hostname() {
        return identity.pod();
    }

    /** The TCP peer as agnhost netexec prints it: {@code ip:port}, IPv6 addresses in brackets. */
    @AnyMethod
    @Path("clientip")
    @Produces(MediaType.TEXT_PLAIN)
    public String clientIp(HttpServerRequest request) {
        SocketAddress peer = peer(request);
        String ip = peer.hostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + peer.port();
    }

    @AnyMethod
    @Path("headers")
    public Map<String, List<String>> headers(HttpServerRequest request) {
        return lowerCaseHeaders(request);
    }

    @AnyMethod
    @Path("status/{code}")
    public Uni<RestResponse<EchoReply>> status(@PathParam("code") String code, HttpServerRequest request) {
        int status = pathNumber("code", code, 100, 599);
        return BodyCapture.read(request, config.maxBodyBytes()).map(body -> withStatus(status, request, body));
    }

    @AnyMethod
    @Path("delay/{ms}")
    public Uni<EchoReply> delay(@PathParam("ms") String ms, HttpServerRequest request) {
        int millis = pathNumber("ms", ms, 0, MAX_DELAY_MS);
        Uni<EchoReply> reply = BodyCapture.read(request, config.maxBodyBytes()).map(body -> echo(request, body));
        // A Vert.x timer fires on this request's event loop, as the rest of the answer runs.
        return millis == 0 ? reply : reply.onItem().call(echo -> Uni.createFrom().emitter(
                done -> vertx.setTimer(millis, timer -> done.complete(null))));
    }

    /** Every other path; matched last, as JAX-RS prefers literal paths over a template that takes any path. */
    @AnyMethod
    @Path("{path: .*}")
    public Uni<EchoReply> echo(HttpServerRequest request) {
        return BodyCapture.read(request, config.maxBodyBytes()).map(body -> echo(request, body));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorReply> badRequest(BadRequestException e) {
        return RestResponse.ResponseBuilder.create(RestResponse.Status.BAD_REQUEST,
                new ErrorReply(RestResponse.Status.BAD_REQUEST.getReasonPhrase(), e.getMessage()))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * The echo with the given status. 1xx, 204 and 304 carry no body by definition, and a 1xx cannot be the
     * final answer: it is sent and the connection closed, so clients fail fast instead of waiting for more.
     */
    private RestResponse<EchoReply> withStatus(int status, HttpServerRequest request, BodyCapture body) {
        if (status < 200) {
            request.response().endHandler(sent -> request.connection().close());
            return RestResponse.status(status);
        }
        if (status == 204 || status == 304) {
            return RestResponse.status(status);
        }
        // By number: RestResponse.Status names only the codes JAX-RS knows, and any code 100..599 is answered.
        return RestResponse.ResponseBuilder.<EchoReply>create(status).entity(echo(request, body)).build();
    }

    private EchoReply echo(HttpServerRequest request, BodyCapture body) {
        SocketAddress peer = peer(request);
        Map<String, List<String>> headers = lowerCaseHeaders(request);
        return EchoReply.of(identity, new EchoReply.Request(request.method().name(), request.path(),
                request.query() == null ? "" : request.query(), host(request), headers, body.text(),
                body.totalBytes(), body.truncated(), peer.hostAddress(), peer.port(),
                joined(headers.get("x-forwarded-for")), joined(headers.get("forwarded")),
                joined(headers.get("x-real-ip"))));
    }

    private static int pathNumber(String name, String value, int min, int max) {
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

    private static Map<String, List<String>> lowerCaseHeaders(HttpServerRequest request) {
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

    /** The TCP peer, straight from the connection (proxy-address-forwarding is off: headers never rewrite it). */
    private static SocketAddress peer(HttpServerRequest request) {
        return request.connection().remoteAddress();
    }
}

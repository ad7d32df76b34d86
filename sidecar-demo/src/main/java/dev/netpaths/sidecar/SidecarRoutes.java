package dev.netpaths.sidecar;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The app role's routes: {@code /roundtrip}; anything else but Quarkus's /q/* (the sidecar's {@code /enrich}
 * included) is a JSON 404. The sidecar role never starts Quarkus: see {@link LoopbackSidecar}.
 */
@Singleton
class SidecarRoutes {

    static final String STAMP_HEADER = "x-netpaths-stamp";
    private static final Logger LOG = Logger.getLogger(SidecarRoutes.class);

    private final SidecarClient sidecar;
    private final ObjectMapper mapper;
    private final ContainerView self = ContainerView.observe();

    SidecarRoutes(SidecarClient sidecar, ObjectMapper mapper) {
        this.sidecar = sidecar;
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.get("/roundtrip").handler(this::roundtrip);
        // Last of all routes, so Quarkus's /q/health/* and /q/metrics keep answering.
        router.route().order(Integer.MAX_VALUE).handler(this::notFound);
    }

    private void roundtrip(RoutingContext ctx) {
        sidecar.roundtrip(self).onComplete(result -> {
            if (result.succeeded()) {
                json(ctx, 200, result.result());
            } else {
                LOG.debugf("Sidecar roundtrip failed: %s", result.cause());
                json(ctx, 502, new ErrorReply(HttpResponseStatus.BAD_GATEWAY.reasonPhrase(),
                        "sidecar " + sidecar.enrichUrl() + " not reachable: " + result.cause().getMessage()));
            }
        });
    }

    private void notFound(RoutingContext ctx) {
        json(ctx, 404, new ErrorReply(HttpResponseStatus.NOT_FOUND.reasonPhrase(),
                "this process runs role app, which serves only GET /roundtrip (and /q/health, /q/metrics)"));
    }

    static String hostAndPort(SocketAddress address) {
        String ip = address.hostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.port();
    }

    private void json(RoutingContext ctx, int status, Object payload) {
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Buffer.buffer(mapper.writeValueAsBytes(payload)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}

package dev.netpaths.sidecar;

import dev.netpaths.wire.ErrorReply;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * A path no resource and no /q/* endpoint serves (the sidecar's {@code /enrich} included) is a JSON 404 with the
 * reason. Quarkus REST hands requests it has no resource for back to the router, whose own 404 is HTML, so this
 * last route answers them.
 */
@Singleton
class NotFoundRoute {

    static final ErrorReply NOT_FOUND = new ErrorReply("Not Found",
            "this process runs role app, which serves only GET /roundtrip (and /q/health, /q/metrics)");

    void register(@Observes Router router) {
        router.route().order(Integer.MAX_VALUE).handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader("Content-Type", "application/json").end(Json.encode(NOT_FOUND)));
    }
}

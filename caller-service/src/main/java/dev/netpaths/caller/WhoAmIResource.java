package dev.netpaths.caller;

import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.Identity;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /whoami}: this caller pod's identity and the request it received, in echo-service's reply shape (wire's
 * {@link EchoReply}). It makes a caller a target too, so a caller can reach itself through a Service that selects
 * it (the hairpin path) and {@code /call} reports who served and which client address arrived.
 */
@Path("/whoami")
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    /** Read once: the environment of a running pod does not change (wire's fallbacks outside a cluster). */
    private final Identity identity = Identity.current("caller-service");

    @GET
    public EchoReply whoami(@Context HttpServerRequest request) {
        SocketAddress peer = request.connection().remoteAddress();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().names().forEach(n -> headers.put(n.toLowerCase(Locale.ROOT), request.headers().getAll(n)));
        return EchoReply.of(identity, new EchoReply.Request(request.method().name(), request.path(),
                request.query() == null ? "" : request.query(), request.getHeader("host"), headers, "", 0, false,
                peer == null ? null : peer.hostAddress(), peer == null ? -1 : peer.port(),
                joined(headers.get("x-forwarded-for")), joined(headers.get("forwarded")),
                joined(headers.get("x-real-ip"))));
    }

    private static String joined(List<String> values) {
        return values == null ? null : String.join(", ", values);
    }
}

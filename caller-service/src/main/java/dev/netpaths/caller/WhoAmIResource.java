package dev.netpaths.caller;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.netpaths.identity.Identity;

/**
 * {@code /whoami}: this caller pod's identity and the TCP peer it saw, in echo-service's JSON shape. It makes a
 * caller a target too, so a caller can reach itself through a Service that selects it (the hairpin path) and
 * {@code /call} reports who served and which client address arrived.
 */
@Path("/whoami")
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    /** The identity fields of echo-service's reply, plus the peer under {@code request} as echo nests it. */
    public record WhoAmI(String service, String version, String pod, String namespace, String node, String podIp,
                         String hostIp, String cluster, Peer request) {

        static WhoAmI of(Identity identity, Peer request) {
            return new WhoAmI(identity.service(), identity.version(), identity.pod(), identity.namespace(),
                    identity.node(), identity.podIp(), identity.hostIp(), identity.cluster(), request);
        }
    }

    public record Peer(String clientIp, Integer clientPort) {
    }

    /** Read once: the environment of a running pod does not change (pod-identity's fallbacks outside a cluster). */
    private final Identity identity = Identity.current("caller-service");

    @GET
    public WhoAmI whoami(@Context HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        return WhoAmI.of(identity,
                new Peer(peer == null ? null : peer.hostAddress(), peer == null ? null : peer.port()));
    }
}

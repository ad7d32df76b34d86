package dev.netpaths.caller;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

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
    }

    public record Peer(String clientIp, Integer clientPort) {
    }

    @GET
    public WhoAmI whoami(@Context HttpServerRequest request) {
        Map<String, String> env = System.getenv();
        SocketAddress peer = request.remoteAddress();
        return new WhoAmI(
                env.getOrDefault("SERVICE_NAME", "caller-service"),
                env.getOrDefault("SERVICE_VERSION", "v1"),
                env.getOrDefault("POD_NAME", LocalIdentity.hostname()),
                env.getOrDefault("POD_NAMESPACE", "default"),
                env.getOrDefault("NODE_NAME", LocalIdentity.hostname()),
                env.get("POD_IP"),
                env.get("HOST_IP"),
                env.getOrDefault("CLUSTER_NAME", "local"),
                new Peer(peer == null ? null : peer.hostAddress(), peer == null ? null : peer.port()));
    }

    /** Outside a cluster the pod and node names fall back to this machine's hostname, as echo-service does. */
    static final class LocalIdentity {
        private LocalIdentity() {
        }

        static String hostname() {
            String fromEnv = System.getenv("HOSTNAME");
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv;
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "localhost";
            }
        }
    }
}

package dev.netpaths.wire;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * echo-service's HTTP reply (docs/architecture.md, "echo-service payloads"): who answered ({@link Identity}'s
 * fields), then the request as that pod received it. caller-service's {@code /whoami} answers in the same shape.
 */
public record EchoReply(String service, String version, String pod, String namespace, String node, String podIp,
                        String hostIp, String cluster, Request request) {

    /**
     * An HTTP request as the pod received it. {@code clientIp}/{@code clientPort} are the TCP peer, never a
     * header: the point is to show which hop rewrote the source address.
     */
    public record Request(String method, String path, String query, String host, Map<String, List<String>> headers,
                          String body, long bodyBytes, boolean bodyTruncated, String clientIp, int clientPort,
                          String xForwardedFor, String forwarded, String xRealIp) {}

    public static EchoReply of(Identity who, Request request) {
        return new EchoReply(who.service(), who.version(), who.pod(), who.namespace(), who.node(), who.podIp(),
                who.hostIp(), who.cluster(), request);
    }

    public Identity identity() {
        return new Identity(service, version, pod, namespace, node, podIp, hostIp, cluster);
    }

    /**
     * Who answered an echo (HTTP or UDP reply) and the client address it saw: what a prober reads from a reply.
     *
     * @param forwardedFor the X-Forwarded-For header the echo received (HTTP only; null when none)
     */
    public record Seen(Identity served, String clientIp, String forwardedFor) {

        /** Empty unless {@code body} is an echo reply: a JSON object naming its {@code service} and {@code pod}. */
        public static Optional<Seen> read(byte[] body) {
            return Wire.read(body, Loose.class).filter(l -> l.service != null && l.pod != null).map(Loose::seen);
        }

        public static Optional<Seen> read(String body) {
            return Wire.read(body, Loose.class).filter(l -> l.service != null && l.pod != null).map(Loose::seen);
        }
    }

    /** Both replies at once: HTTP nests the peer under {@code request}, UDP carries it at the top level. */
    private record Loose(String service, String version, String pod, String namespace, String node, String podIp,
                         String hostIp, String cluster, String clientIp, Request request) {
        Seen seen() {
            Identity served = new Identity(service, version, pod, namespace, node, podIp, hostIp, cluster);
            return request != null ? new Seen(served, request.clientIp(), request.xForwardedFor())
                    : new Seen(served, clientIp, null);
        }
    }
}

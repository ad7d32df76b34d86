package dev.netpaths.conformance.probe;

import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.Identity;
import java.util.Optional;

/** Turns echo-service's replies (wire's {@link EchoReply}, HTTP or UDP) into the harness's attempts. */
public final class EchoJson {

    private EchoJson() {}

    /** Who answered, as the harness reports it; null for null. */
    public static Served served(Identity who) {
        return who == null ? null : new Served(who.service(), who.version(), who.pod(), who.namespace(), who.node(),
                who.podIp(), who.cluster());
    }

    /** An attempt built from a response body seen by the harness itself. */
    public static Attempt attempt(int status, double latencyMs, String sourceIp, String body) {
        Optional<EchoReply.Seen> seen = EchoReply.Seen.read(body);
        boolean ok = status < 400;
        return new Attempt(ok, status, latencyMs, seen.map(s -> served(s.served())).orElse(null), sourceIp,
                seen.map(EchoReply.Seen::clientIp).orElse(null), seen.map(EchoReply.Seen::forwardedFor).orElse(null),
                ok ? null : ErrorKind.HTTP_STATUS, ok ? null : "HTTP " + status,
                seen.isPresent() ? null : cap(body));
    }

    static String cap(String body) {
        return body == null || body.length() <= 2048 ? body : body.substring(0, 2048);
    }
}

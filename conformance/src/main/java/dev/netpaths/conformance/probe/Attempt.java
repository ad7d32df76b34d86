package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
/**
 * One try on a new connection, from the caller's {@code /call} JSON or from the harness host.
 *
 * @param sourceIp     the address the try was sent from (caller pod IP or the host's local address)
 * @param clientIpSeen the client address the echo pod saw (null when the answer was not echo JSON)
 * @param forwardedFor the X-Forwarded-For header the echo pod received (null when none)
 * @param body         the response text when it was not echo JSON (capped)
 */
public record Attempt(boolean ok, Integer status, double latencyMs, Served served, String sourceIp,
                      String clientIpSeen, String forwardedFor, ErrorKind error, String errorMessage, String body) {

    public static Attempt failed(ErrorKind kind, String message, double latencyMs, String sourceIp) {
        return new Attempt(false, null, latencyMs, null, sourceIp, null, null, kind, message, null);
    }
}

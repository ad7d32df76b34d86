package dev.netpaths.conformance.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Reads echo-service's identity JSON (HTTP and UDP) as docs/architecture.md defines it. */
public final class EchoJson {

    private EchoJson() {}

    public static Optional<Served> served(JsonNode json) {
        if (json == null || !json.hasNonNull("pod")) {
            return Optional.empty();
        }
        return Optional.of(new Served(Json.text(json, "service"), Json.text(json, "version"),
                Json.text(json, "pod"), Json.text(json, "namespace"), Json.text(json, "node"),
                Json.text(json, "podIp"), Json.text(json, "cluster")));
    }

    /** The client address echo saw: {@code request.clientIp} (HTTP) or top-level {@code clientIp} (UDP). */
    public static String clientIp(JsonNode json) {
        return json.has("request") ? Json.text(json.get("request"), "clientIp") : Json.text(json, "clientIp");
    }

    public static String forwardedFor(JsonNode json) {
        return json.has("request") ? Json.text(json.get("request"), "xForwardedFor") : null;
    }

    /** An attempt built from a response body seen by the harness itself. */
    public static Attempt attempt(int status, double latencyMs, String sourceIp, String body) {
        Optional<JsonNode> json = Json.object(body);
        Optional<Served> served = json.flatMap(EchoJson::served);
        boolean ok = status < 400;
        return new Attempt(ok, status, latencyMs, served.orElse(null), sourceIp,
                served.isPresent() ? clientIp(json.get()) : null,
                served.isPresent() ? forwardedFor(json.get()) : null,
                ok ? null : ErrorKind.HTTP_STATUS, ok ? null : "HTTP " + status,
                served.isPresent() ? null : cap(body));
    }

    static String cap(String body) {
        return body == null || body.length() <= 2048 ? body : body.substring(0, 2048);
    }
}

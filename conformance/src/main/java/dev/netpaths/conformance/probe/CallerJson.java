package dev.netpaths.conformance.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netpaths.conformance.discovery.Topology;
import java.util.ArrayList;
import java.util.List;

/** Reads caller-service's {@code /call} and {@code /resolve} JSON as docs/architecture.md defines them. */
public final class CallerJson {

    private CallerJson() {}

    public static Observation call(Topology.Pod caller, String body) throws ProbeException {
        JsonNode json = Json.object(body).orElseThrow(() -> notCallerJson(caller, body));
        if (json.hasNonNull("error") && !json.has("attempts")) {
            throw new ProbeException(ErrorKind.PROTOCOL, "caller " + caller.name() + " refused the request: "
                    + Json.text(json, "error") + " " + Json.text(json, "reason"));
        }
        // An answer without tries proves nothing: a missing or empty array is a protocol error, not a pass.
        if (!json.path("attempts").isArray() || json.path("attempts").isEmpty()) {
            throw new ProbeException(ErrorKind.PROTOCOL, "caller " + caller.name() + " answered /call without an "
                    + "attempts array: " + EchoJson.cap(body));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (JsonNode a : json.path("attempts")) {
            JsonNode error = a.get("error");
            String local = Json.text(a, "localAddress");
            attempts.add(new Attempt(a.path("ok").asBoolean(),
                    a.hasNonNull("status") ? a.get("status").asInt() : null,
                    a.path("latencyMs").asDouble(),
                    EchoJson.served(a.get("served")).orElse(null),
                    local == null ? caller.ip() : local.substring(0, local.lastIndexOf(':') > 0
                            ? local.lastIndexOf(':') : local.length()),
                    Json.text(a, "clientIpSeen"),
                    null,
                    error == null || error.isNull() ? null : kind(Json.text(error, "kind")),
                    error == null || error.isNull() ? null : Json.text(error, "message"),
                    Json.text(a, "body")));
        }
        return new Observation(attempts, strings(json.path("resolved")), null, null, null);
    }

    public static Observation resolve(String body) throws ProbeException {
        JsonNode json = Json.object(body)
                .orElseThrow(() -> new ProbeException(ErrorKind.PROTOCOL, "not /resolve JSON: " + EchoJson.cap(body)));
        JsonNode error = json.get("error");
        return new Observation(List.of(), strings(json.path("addresses")),
                error == null || error.isNull() ? null : error.isTextual() ? error.asText() : error.toString(),
                Json.text(json, "matchedName"), Json.text(json, "source"));
    }

    private static ErrorKind kind(String name) {
        try {
            return ErrorKind.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return ErrorKind.OTHER;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static ProbeException notCallerJson(Topology.Pod caller, String body) {
        return new ProbeException(ErrorKind.PROTOCOL, "caller " + caller.name() + " did not answer /call JSON: "
                + EchoJson.cap(body));
    }
}

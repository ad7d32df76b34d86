package dev.netpaths.caller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** Who served a request and which client address it saw, read from echo-service JSON (HTTP or UDP). */
record EchoReply(Served served, String clientIp) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The identity fields of an echo-service reply. */
    public record Served(String service, String version, String pod, String namespace, String node, String podIp,
                         String cluster) {
    }

    /** Empty unless {@code body} is a JSON object with echo-service's {@code service} and {@code pod}. */
    static Optional<EchoReply> parse(byte[] body) {
        if (body == null || body.length == 0 || body[0] != '{') {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!node.path("service").isTextual() || !node.path("pod").isTextual()) {
            return Optional.empty();
        }
        Served served = new Served(text(node, "service"), text(node, "version"), text(node, "pod"),
                text(node, "namespace"), text(node, "node"), text(node, "podIp"), text(node, "cluster"));
        // HTTP replies nest the peer under "request"; UDP replies carry it at the top level.
        String clientIp = node.has("request") ? text(node.path("request"), "clientIp") : text(node, "clientIp");
        return Optional.of(new EchoReply(served, clientIp));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}

package dev.netpaths.conformance.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netpaths.conformance.probe.Json;
import java.util.Objects;
import java.util.Optional;

/**
 * sidecar-demo's {@code /roundtrip} JSON: the app side and the sidecar side of one call over localhost. The
 * field names live only here (the payload is young): each side is looked up under any of {@code APP_SIDE} /
 * {@code SIDECAR_SIDE}, identity under {@code POD}/{@code POD_IP}, the address the sidecar saw under {@code PEER}.
 */
final class Roundtrip {

    static final String[] APP_SIDE = {"app", "caller", "client", "local"};
    static final String[] SIDECAR_SIDE = {"sidecar", "server", "remote", "upstream"};
    static final String[] POD = {"pod", "podName", "hostname"};
    static final String[] POD_IP = {"podIp", "podIP", "ip"};
    static final String[] PEER = {"peerSeen", "clientIpSeen", "clientIp", "peer", "remoteAddress"};
    static final String LOOPBACK = "127.0.0.1";

    private Roundtrip() {}

    /**
     * Empty when the body proves one pod (the target pod when {@code targetPod} is given), both sides' non-null
     * and equal pod IPs, a loopback peer, and the connection the app opened being the one the sidecar saw
     * ({@code connection.local} = {@code peerSeen:peerPort}); else what is wrong.
     */
    static Optional<String> problem(String body, String targetPod) {
        Optional<JsonNode> json = Json.object(body);
        if (json.isEmpty()) {
            return Optional.of("/roundtrip did not answer JSON: " + body);
        }
        JsonNode app = side(json.get(), APP_SIDE);
        JsonNode sidecar = side(json.get(), SIDECAR_SIDE);
        if (app == null || sidecar == null) {
            return Optional.of("/roundtrip JSON has no app/sidecar sides: " + body);
        }
        String peer = Objects.requireNonNullElse(Json.text(sidecar, PEER), String.valueOf(Json.text(json.get(), PEER)));
        if (!Objects.equals(Json.text(app, POD), Json.text(sidecar, POD)) || Json.text(app, POD) == null) {
            return Optional.of("app and sidecar report different pods: " + Json.text(app, POD) + " vs "
                    + Json.text(sidecar, POD));
        }
        if (targetPod != null && !targetPod.equals(Json.text(app, POD))) {
            return Optional.of("answered by pod " + Json.text(app, POD) + ", expected the target pod " + targetPod);
        }
        if (Json.text(app, POD_IP) == null || !Objects.equals(Json.text(app, POD_IP), Json.text(sidecar, POD_IP))) {
            return Optional.of("app and sidecar report different pod IPs: " + Json.text(app, POD_IP) + " vs "
                    + Json.text(sidecar, POD_IP));
        }
        if (!peer.startsWith(LOOPBACK)) {
            return Optional.of("the sidecar saw " + peer + " instead of " + LOOPBACK);
        }
        String local = Json.text(json.get().path("connection"), "local");
        String seen = Json.text(sidecar, PEER) + ":" + Json.text(sidecar, "peerPort");
        if (local == null || !local.equals(seen)) {
            return Optional.of("the app's connection " + local + " is not the one the sidecar saw (" + seen
                    + "): something sits between the containers, or the answer is not this roundtrip");
        }
        return Optional.empty();
    }

    private static JsonNode side(JsonNode json, String[] names) {
        for (String name : names) {
            if (json.path(name).isObject()) {
                return json.get(name);
            }
        }
        return null;
    }
}

package dev.netpaths.sidecar;

/**
 * The app's answer to {@code GET /roundtrip}: both sides of one new loopback connection.
 * {@code connection.local} (the app's end) equals {@code sidecar.peerSeen:sidecar.peerPort} when nothing sits
 * between the two containers.
 */
public record Roundtrip(boolean samePod, double latencyMs, String sidecarUrl, Connection connection,
        ContainerView app, Enrichment sidecar) {

    public record Connection(String local, String remote) {
    }
}

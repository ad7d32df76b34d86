package dev.netpaths.conformance.catalogue;

import dev.netpaths.wire.Wire;
import java.util.Objects;
import java.util.Optional;

/** Judges sidecar-demo's {@code /roundtrip} answer, read as wire's {@link dev.netpaths.wire.Roundtrip}. */
final class Roundtrip {

    static final String LOOPBACK = "127.0.0.1";

    private Roundtrip() {}

    /**
     * Empty when the body proves one pod (the target pod when {@code targetPod} is given), both sides' non-null
     * and equal pod IPs, a loopback peer, and the connection the app opened being the one the sidecar saw
     * ({@code connection.local} = {@code peerSeen:peerPort}); else what is wrong.
     */
    static Optional<String> problem(String body, String targetPod) {
        Optional<dev.netpaths.wire.Roundtrip> read = Wire.read(body, dev.netpaths.wire.Roundtrip.class);
        if (read.isEmpty()) {
            return Optional.of("/roundtrip did not answer JSON: " + body);
        }
        dev.netpaths.wire.Roundtrip.ContainerView app = read.get().app();
        dev.netpaths.wire.Roundtrip.Enrichment sidecar = read.get().sidecar();
        if (app == null || sidecar == null) {
            return Optional.of("/roundtrip JSON has no app/sidecar sides: " + body);
        }
        if (!Objects.equals(app.pod(), sidecar.pod()) || app.pod() == null) {
            return Optional.of("app and sidecar report different pods: " + app.pod() + " vs " + sidecar.pod());
        }
        if (targetPod != null && !targetPod.equals(app.pod())) {
            return Optional.of("answered by pod " + app.pod() + ", expected the target pod " + targetPod);
        }
        if (app.podIp() == null || !Objects.equals(app.podIp(), sidecar.podIp())) {
            return Optional.of("app and sidecar report different pod IPs: " + app.podIp() + " vs "
                    + sidecar.podIp());
        }
        String peer = String.valueOf(sidecar.peerSeen());
        if (!peer.startsWith(LOOPBACK)) {
            return Optional.of("the sidecar saw " + peer + " instead of " + LOOPBACK);
        }
        String local = read.get().connection() == null ? null : read.get().connection().local();
        String seen = sidecar.peerSeen() + ":" + sidecar.peerPort();
        if (local == null || !local.equals(seen)) {
            return Optional.of("the app's connection " + local + " is not the one the sidecar saw (" + seen
                    + "): something sits between the containers, or the answer is not this roundtrip");
        }
        return Optional.empty();
    }
}

package dev.netpaths.sidecar;

import dev.netpaths.wire.Roundtrip.ContainerView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The production {@link LoopbackSidecar} on a free loopback port, in this JVM, as the sidecar of the app role's
 * {@code @QuarkusTest}s. The packaged jar in both roles is exercised by {@link PodOfTwoContainersIT}.
 */
public class LocalSidecarServer implements QuarkusTestResourceLifecycleManager {

    private static LoopbackSidecar sidecar;
    private static int port;

    @Override
    public Map<String, String> start() {
        port = bind(0);
        return Map.of("netpaths.sidecar.url", "http://localhost:" + port);
    }

    static int port() {
        return port;
    }

    /** Takes the sidecar away, as a crashed sidecar container would. */
    static void stopSidecar() {
        sidecar.kill();
    }

    /** Brings it back on the same port. */
    static void startSidecar() {
        bind(port);
    }

    private static int bind(int wanted) {
        try {
            sidecar = LoopbackSidecar.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted),
                    ContainerView.observe());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sidecar.port();
    }

    @Override
    public void stop() {
        sidecar.kill();
    }
}

package dev.netpaths.sidecar;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * The sidecar must be reachable from inside its pod only: it refuses to start on anything but a loopback address
 * (the manifest sets QUARKUS_HTTP_HOST=127.0.0.1, QUARKUS_HTTP_PORT=9090).
 */
class LoopbackGuard {

    void check(@Observes StartupEvent event, SidecarConfig config,
            @ConfigProperty(name = "quarkus.http.host") String httpHost) throws UnknownHostException {
        if (config.role() == SidecarConfig.Role.SIDECAR && !InetAddress.getByName(httpHost).isLoopbackAddress()) {
            throw new IllegalStateException("role sidecar must listen on loopback only, but quarkus.http.host is "
                    + httpHost + ": set QUARKUS_HTTP_HOST=127.0.0.1");
        }
    }
}

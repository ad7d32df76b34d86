package dev.netpaths.sidecar;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The app role's settings under {@code netpaths.sidecar.*}; documented in application.properties. */
@ConfigMapping(prefix = "netpaths.sidecar")
public interface SidecarConfig {

    /** Where the app finds its sidecar: inside the pod, over loopback. */
    @WithDefault("http://localhost:9090")
    String url();

    /** Connect and response timeout of every call to the sidecar. */
    @WithDefault("2s")
    Duration timeout();
}

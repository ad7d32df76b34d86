package dev.netpaths.echo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings under {@code netpaths.echo.*}; documented in application.properties. */
@ConfigMapping(prefix = "netpaths.echo")
public interface EchoConfig {

    /** Request bodies are echoed up to this many bytes; the rest is counted and discarded. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** UDP echo port; 0 binds a random free port (tests). */
    @WithDefault("5005")
    int udpPort();
}

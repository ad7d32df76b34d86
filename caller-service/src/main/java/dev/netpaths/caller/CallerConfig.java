package dev.netpaths.caller;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** {@code netpaths.caller.*}: the limits that keep the prober from becoming an open proxy, and DNS settings. */
@ConfigMapping(prefix = "netpaths.caller")
public interface CallerConfig {

    /** Targets whose every resolved address is in one of these ranges are allowed. */
    List<String> allowedCidrs();

    /** Targets whose resolved name is one of these domains or below one are allowed. */
    List<String> allowedDomains();

    int maxTries();

    int maxTimeoutMs();

    int maxResponseBytes();

    /** When present, {@code Authorization: Bearer <token>} is required on the API. */
    Optional<String> token();

    /** Trust any server certificate and skip host name verification. */
    boolean insecureTls();

    Dns dns();

    interface Dns {
        String resolvConf();

        String hostsFile();

        /** Overrides the nameservers of resolv.conf: {@code ip} or {@code ip:port} ({@code [v6]:port}). */
        Optional<List<String>> nameservers();

        int timeoutMs();
    }
}

package dev.netpaths.caller;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Decides, after DNS and before any packet, whether the prober may reach a target. Link-local and cloud
 * metadata addresses are refused whatever the allowlists say; otherwise every address must be in
 * {@code allowed-cidrs}, or the name that resolved must be in one of {@code allowed-domains}.
 */
@ApplicationScoped
@Startup // a malformed allowed-cidrs entry stops startup instead of failing the first /call
public class TargetPolicy {
    private static final List<Cidr> ALWAYS_FORBIDDEN =
            List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"), Cidr.parse("fd00:ec2::254/128"));

    private final List<Cidr> allowedCidrs;
    private final List<String> allowedDomains;

    @Inject
    public TargetPolicy(CallerConfig config) {
        this(config.allowedCidrs().stream().map(Cidr::parse).toList(), config.allowedDomains());
    }

    TargetPolicy(List<Cidr> allowedCidrs, List<String> allowedDomains) {
        this.allowedCidrs = allowedCidrs;
        this.allowedDomains = allowedDomains.stream().map(TargetPolicy::normalize).toList();
    }

    /**
     * @param resolvedName the name DNS answered for (after search domains), or null for an IP literal
     * @param addresses    every address the name resolved to; the caller connects only to one of these
     */
    void check(String resolvedName, List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            for (Cidr forbidden : ALWAYS_FORBIDDEN) {
                if (forbidden.contains(address)) {
                    throw new ForbiddenTargetException(describe(resolvedName, address)
                            + " is link-local or cloud metadata (" + forbidden.text() + "): always refused");
                }
            }
        }
        if (resolvedName != null && inAllowedDomain(resolvedName)) {
            return;
        }
        for (InetAddress address : addresses) {
            if (allowedCidrs.stream().noneMatch(cidr -> cidr.contains(address))) {
                throw new ForbiddenTargetException(describe(resolvedName, address)
                        + " is outside netpaths.caller.allowed-cidrs and the name is outside netpaths.caller.allowed-domains");
            }
        }
    }

    private boolean inAllowedDomain(String name) {
        String n = normalize(name);
        return allowedDomains.stream().anyMatch(d -> !d.isEmpty() && (n.equals(d) || n.endsWith("." + d)));
    }

    private static String describe(String name, InetAddress address) {
        String ip = IpLiteral.text(address);
        return name == null ? ip : name + " -> " + ip;
    }

    private static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        n = n.startsWith(".") ? n.substring(1) : n;
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}

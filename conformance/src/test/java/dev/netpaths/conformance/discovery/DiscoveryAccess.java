package dev.netpaths.conformance.discovery;

import java.util.Map;

/** Test access to Discovery's package-private parsing. */
public final class DiscoveryAccess {

    private DiscoveryAccess() {}

    public static Topology.Cni cniFromLab(Map<String, String> data) {
        return Discovery.cniFromLab(data);
    }
}

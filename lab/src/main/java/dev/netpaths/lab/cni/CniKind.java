package dev.netpaths.lab.cni;

import java.util.Arrays;
import java.util.List;

/** The three CNIs the lab models, with the pod address space each one uses by default (per cluster of the lab). */
public enum CniKind {
    /** bridge plugin + VXLAN VTEPs (flannel.1), /24 per node; NetworkPolicy not enforced. */
    FLANNEL(List.of("10.244.0.0/16", "10.245.0.0/16"), false),
    /** ptp plugin (routed /32 veths), a /26 block per node, BGP full mesh with bird2; NetworkPolicy enforced. */
    CALICO(List.of("192.168.0.0/16", "172.20.0.0/16"), true),
    /** one bridge per node on a flat /12 joined by a VXLAN mesh; NetworkPolicy enforced. */
    WEAVE(List.of("10.32.0.0/12", "10.48.0.0/12"), true);

    /** Cluster CIDR of the first and of the second cluster (disjoint so the host namespace can route to both). */
    private final List<String> clusterCidrs;
    private final boolean enforcesPolicy;

    CniKind(List<String> clusterCidrs, boolean enforcesPolicy) {
        this.clusterCidrs = clusterCidrs;
        this.enforcesPolicy = enforcesPolicy;
    }

    public String clusterCidr(int clusterIndex) {
        return clusterCidrs.get(clusterIndex);
    }

    public boolean enforcesPolicy() {
        return enforcesPolicy;
    }

    public String id() {
        return name().toLowerCase();
    }

    public static CniKind parse(String s) {
        return Arrays.stream(values()).filter(c -> c.id().equals(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown CNI '" + s + "' (expected flannel, calico or weave)"));
    }
}

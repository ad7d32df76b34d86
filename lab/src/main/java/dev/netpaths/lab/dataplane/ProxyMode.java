package dev.netpaths.lab.dataplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * kube-proxy's mode in the lab, {@code LAB_PROXY_MODE} (kube-proxy's {@code --proxy-mode}; {@code PROXY_MODE} in
 * scripts/cluster): {@code iptables} (the default, {@link KubeProxy}) or {@code nftables} ({@link KubeProxyNft}).
 * IPVS is refused: the kernel the lab runs on has no {@code ip_vs}. The mode of a running lab is recorded in its
 * state dir, so the live verbs and {@code rules} keep using it whatever the environment says later.
 */
public enum ProxyMode {
    IPTABLES("iptables"),
    NFTABLES("nftables");

    public static final String SETTING = "LAB_PROXY_MODE";
    private static final String FILE = "proxy-mode";

    private final String id;

    ProxyMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** {@code LAB_PROXY_MODE}: unset or empty is iptables, as kube-proxy's own default. */
    public static ProxyMode fromSetting(String value) {
        if (value == null || value.isEmpty() || value.equals("iptables")) {
            return IPTABLES;
        }
        if (value.equals("nftables")) {
            return NFTABLES;
        }
        if (value.equals("ipvs")) {
            throw new IllegalArgumentException(SETTING + "=ipvs: the lab does not model IPVS, the kernel it runs on has no ip_vs"
                    + " (docs/lab/proxy-modes.md); on kind: PROXY_MODE=ipvs make up");
        }
        throw new IllegalArgumentException(SETTING + " must be iptables or nftables, got '" + value + "'");
    }

    /** The mode recorded in a lab's state dir; iptables for a lab recorded before modes existed. */
    public static ProxyMode recorded(Path stateDir) {
        Path f = stateDir.resolve(FILE);
        try {
            return Files.exists(f) ? fromSetting(Files.readString(f).strip()) : IPTABLES;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    public void record(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve(FILE), id + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + stateDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}

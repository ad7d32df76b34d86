package dev.netpaths.lab.dataplane;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.state.RecordedSettings;

import java.nio.file.Path;

/**
 * kube-proxy's mode in the lab, {@code LAB_PROXY_MODE} (kube-proxy's {@code --proxy-mode}; {@code PROXY_MODE} in
 * scripts/cluster): {@code iptables} (the default, {@link KubeProxy}) or {@code nftables} ({@link KubeProxyNft}).
 * IPVS is refused: the kernel the lab runs on has no {@code ip_vs}. {@code up} records the mode with the lab's other
 * settings ({@link RecordedSettings}), so the live verbs and {@code rules} keep using it whatever the environment says
 * later.
 */
public enum ProxyMode {
    IPTABLES("iptables"),
    NFTABLES("nftables");

    public static final String SETTING = "LAB_PROXY_MODE";

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

    /** The mode a lab was brought up with ({@link RecordedSettings}); a clear error for a bad or missing record. */
    public static ProxyMode recorded(Path stateDir) {
        try {
            return fromSetting(RecordedSettings.get(stateDir, SETTING));
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
    }
}

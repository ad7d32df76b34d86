package dev.netpaths.conformance.discovery;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data-plane choices a cluster was created with, for the report: read from what created it, never from a
 * command line. A cluster from {@code make up} carries ConfigMap kube-system/netpaths-data-plane (written by
 * scripts/cluster/up.sh: CLUSTER, CNI, PROXY_MODE, CALICO_ENCAP, WEAVE_MODE, NODE_IMAGE and the host port
 * mapping); the lab carries kube-system/netpaths-lab (its CNI, its kube-proxy mode and, on Calico, its pool's
 * encapsulation, when it names them: lab/ ClusterRuntime.labInfo).
 *
 * @param values the choices by their scripts/cluster names, in the order they are shown
 * @param source where they were read (a ConfigMap), or why there are none
 */
public record DataPlane(Map<String, String> values, String source) {

    public static final String NAMESPACE = "kube-system";
    /** Written by scripts/cluster/up.sh (record_data_plane). */
    public static final String CONFIG_MAP = "netpaths-data-plane";
    /** The order of the known keys in every report; others recorded follow in name order. */
    static final List<String> ORDER = List.of("CLUSTER", "CNI", "PROXY_MODE", "CALICO_ENCAP", "WEAVE_MODE",
            "NODE_IMAGE", "HOST_PORT_ADDRESS", "HOST_PORT_NODE", "HOST_PORTS", "HOST_PORTS_INGRESS");
    /** The lab's kube-proxy mode when its ConfigMap names none (docs/lab.md: the lab programs iptables). */
    static final String LAB_DEFAULT_PROXY_MODE = "iptables";
    /**
     * The lab's {@code calicoEncapsulation} ({@code LAB_CALICO}) in scripts/cluster's words ({@code CALICO_ENCAP}), so
     * that a lab report and a kind report name Calico's data path alike: a VXLAN pool is {@code vxlan}, plain BGP
     * routes are {@code none} (lab/ cni/Calico.Mode; scripts/cluster/lib.sh calico_installation).
     */
    static final Map<String, String> LAB_CALICO_ENCAP = Map.of("vxlan", "vxlan", "bgp", "none", "n/a", "n/a");

    public DataPlane {
        values = ordered(values);
    }

    /** Nothing recorded: the cluster was not created by {@code make up} nor by the lab. */
    public static DataPlane unknown(String why) {
        return new DataPlane(Map.of(), why);
    }

    /** Reads the choices from the snapshot discovery reads (from a kube context or the lab's state file). */
    public static DataPlane discover(ClusterSnapshot snapshot) {
        return fromConfigMaps(snapshot.configMapData(NAMESPACE, CONFIG_MAP),
                snapshot.configMapData(NAMESPACE, Discovery.LAB_CONFIG_NAME));
    }

    /** From the recorded ConfigMaps' data (each empty when absent): make up's first, then the lab's. */
    public static DataPlane fromConfigMaps(Optional<Map<String, String>> recorded, Optional<Map<String, String>> lab) {
        if (recorded.isPresent()) {
            return new DataPlane(recorded.get(), "ConfigMap " + NAMESPACE + "/" + CONFIG_MAP + " (written by make up)");
        }
        if (lab.isPresent()) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("CLUSTER", "lab");
            values.put("CNI", lab.get().getOrDefault("cni", "unknown"));
            String proxy = lab.get().get("proxyMode");
            values.put("PROXY_MODE", proxy != null ? proxy : LAB_DEFAULT_PROXY_MODE);
            String calico = lab.get().get("calicoEncapsulation");
            if (calico != null) {
                values.put("CALICO_ENCAP", LAB_CALICO_ENCAP.getOrDefault(calico, calico));
            }
            return new DataPlane(values, "ConfigMap " + NAMESPACE + "/" + Discovery.LAB_CONFIG_NAME + " (the lab's state"
                    + (proxy == null ? "; it names no proxyMode: the lab's kube-proxy mode " + LAB_DEFAULT_PROXY_MODE : "")
                    + ("bgp".equals(calico) ? "; LAB_CALICO=bgp: plain BGP routes, CALICO_ENCAP=none" : "")
                    + ")");
        }
        return unknown("no ConfigMap " + NAMESPACE + "/" + CONFIG_MAP + ": the cluster was not created by make up "
                + "(scripts/cluster/up.sh records the data-plane choices there)");
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    /** The values with the source, for report.json. */
    public Map<String, String> asReport() {
        Map<String, String> out = new LinkedHashMap<>(values);
        out.put("source", source);
        return out;
    }

    /** "30080/TCP 80/TCP" → [30080/TCP, 80/TCP] (upper-case protocol). */
    public List<String> list(String key) {
        return get(key).map(v -> Arrays.stream(v.trim().split("\\s+")).map(String::toUpperCase).toList())
                .orElse(List.of());
    }

    private static Map<String, String> ordered(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        ORDER.stream().filter(values::containsKey).forEach(k -> out.put(k, values.get(k)));
        values.keySet().stream().filter(k -> !ORDER.contains(k)).sorted().forEach(k -> out.put(k, values.get(k)));
        return java.util.Collections.unmodifiableMap(out);
    }
}

package dev.netpaths.lab.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.netpaths.lab.dataplane.KubeProxy;
import dev.netpaths.lab.net.Ipv4;

/**
 * CNI network configurations (cniVersion 1.0.0) for the reference plugins under {@code /usr/lib/cni}, in the
 * shapes the lab's CNIs use: Flannel's (bridge {@code cni0}, gateway on the bridge, hairpin for
 * pod-to-own-Service traffic, IP masquerade left to the node's rules, see {@link KubeProxy#renderPodMasquerade})
 * and Calico's (ptp: a veth and a host route per pod, no bridge, as Calico's own plugin wires pods). Both use
 * host-local IPAM over the node's pod CIDR with a default route.
 */
public final class Cni {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Cni() {
    }

    /**
     * The bridge plugin conf: {@code isGateway: true, hairpinMode: true, ipMasq: false}, host-local IPAM over
     * {@code subnet} (the node's pod CIDR) with {@code routes: [{dst: 0.0.0.0/0}]}.
     *
     * @param gateway the bridge address, or {@code null} for host-local's default (the subnet's first address)
     * @param dataDir host-local's state directory (wipe it on teardown for repeatable pod IPs)
     */
    public static String bridgeConf(String netName, String bridge, String subnet, String gateway, int mtu,
                                    String dataDir) {
        Map<String, Object> conf = header(netName, "bridge");
        conf.put("bridge", bridge);
        conf.put("isGateway", true);
        conf.put("hairpinMode", true);
        conf.put("ipMasq", false);
        conf.put("mtu", mtu);
        conf.put("ipam", ipam(subnet, gateway, dataDir));
        return json(conf);
    }

    /**
     * The ptp plugin conf (Calico's shape): {@code ipMasq: false}, host-local IPAM over the node's block
     * {@code subnet}, routes {@code 0.0.0.0/0}; the plugin gives each pod a veth to the node, the pod's
     * address as a /32 host route on the node, and the gateway address on the node side.
     */
    public static String ptpConf(String netName, String subnet, int mtu, String dataDir) {
        Map<String, Object> conf = header(netName, "ptp");
        conf.put("ipMasq", false);
        conf.put("mtu", mtu);
        conf.put("ipam", ipam(subnet, null, dataDir));
        return json(conf);
    }

    private static Map<String, Object> header(String netName, String type) {
        if (netName == null || netName.isBlank()) {
            throw new IllegalArgumentException("CNI network name is empty");
        }
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("cniVersion", "1.0.0");
        conf.put("name", netName);
        conf.put("type", type);
        return conf;
    }

    private static Map<String, Object> ipam(String subnet, String gateway, String dataDir) {
        Ipv4.Cidr cidr = Ipv4.Cidr.parse(subnet);
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("subnet", cidr.toString());
        if (gateway != null) {
            if (!cidr.contains(gateway)) {
                throw new IllegalArgumentException("CNI gateway " + gateway + " is outside the subnet " + subnet);
            }
            range.put("gateway", gateway);
        }
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("type", "host-local");
        ipam.put("dataDir", dataDir);
        ipam.put("ranges", List.of(List.of(range)));
        ipam.put("routes", List.of(Map.of("dst", "0.0.0.0/0")));
        return ipam;
    }

    private static String json(Map<String, Object> conf) {
        try {
            return JSON.writeValueAsString(conf);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write CNI conf " + conf.get("name"), e);
        }
    }
}

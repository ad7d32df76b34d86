package dev.netpaths.lab.cni;

import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.net.Netns;
import dev.netpaths.lab.proc.Sh;

import java.nio.file.Path;

/**
 * Weave Net's fast datapath, modelled: one bridge {@code weave} per node, all pods on one flat /12 (each node
 * allocates from its own /24 slice, but every pod address is on-link in the /12), the bridges joined into one L2
 * by a VXLAN device (UDP 6784) attached to each bridge with flood entries to every other node; MACs are learned.
 * The bridge plugin conf is built here because {@link Cni} has no range-within-subnet variant.
 */
public final class Weave implements PodNetwork {
    static final String BRIDGE = "weave";
    static final String VXLAN = "vxlan-6784";
    private static final int MTU = 1376;

    @Override
    public void wireNodes(ClusterPlan cluster) {
        for (NodePlan n : cluster.nodes()) {
            Netns.ip(n.netns(), "link", "add", BRIDGE, "type", "bridge");
            Netns.ip(n.netns(), "link", "set", BRIDGE, "mtu", Integer.toString(MTU), "up");
            Netns.ip(n.netns(), "link", "add", VXLAN, "type", "vxlan", "id", "6784", "local", n.ip(), "dev", "eth0",
                    "dstport", "6784");
            Netns.ip(n.netns(), "link", "set", VXLAN, "master", BRIDGE, "mtu", Integer.toString(MTU), "up");
            for (NodePlan r : cluster.nodes()) {
                if (r != n) {
                    Sh.run(Sh.inNs(n.netns(), "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", VXLAN, "dst", r.ip()));
                }
            }
        }
    }

    @Override
    public String plugin() {
        return "bridge";
    }

    @Override
    public String conf(ClusterPlan cluster, NodePlan node, Path dataDir) {
        String gateway = AddressPlan.addressIn(node.podRange(), 1);
        return """
                {"cniVersion":"1.0.0","name":"weave","type":"bridge","bridge":"%s","isGateway":true,"hairpinMode":true,\
                "mtu":%d,"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"%s","rangeStart":"%s",\
                "rangeEnd":"%s","gateway":"%s"}]],"routes":[{"dst":"0.0.0.0/0"}]}}"""
                .formatted(BRIDGE, MTU, dataDir, cluster.clusterCidr(), gateway,
                        AddressPlan.addressIn(node.podRange(), 254), gateway);
    }
}

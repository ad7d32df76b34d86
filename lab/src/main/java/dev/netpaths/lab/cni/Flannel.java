package dev.netpaths.lab.cni;

import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.net.Netns;
import dev.netpaths.lab.proc.Sh;

import java.nio.file.Path;

/**
 * Flannel with the VXLAN backend: pods on bridge cni0 with a /24 per node; each node has a VTEP flannel.1
 * (VNI 1, UDP 8472) holding the .0 address of its /24, and for every other node the entries flanneld writes:
 * a permanent neighbour (remote .0 -> remote VTEP MAC), an FDB entry (MAC -> remote node IP) and a route to
 * the remote /24 via the remote .0 on flannel.1.
 */
public final class Flannel implements PodNetwork {
    static final String VTEP = "flannel.1";
    private static final int MTU = 1450;

    @Override
    public void wireNodes(ClusterPlan cluster) {
        for (NodePlan n : cluster.nodes()) {
            Netns.ip(n.netns(), "link", "add", VTEP, "type", "vxlan", "id", "1", "local", n.ip(), "dev", "eth0",
                    "dstport", "8472", "nolearning");
            Netns.ip(n.netns(), "addr", "add", vtepIp(n) + "/32", "dev", VTEP);
            Netns.ip(n.netns(), "link", "set", VTEP, "mtu", Integer.toString(MTU), "up");
        }
        for (NodePlan n : cluster.nodes()) {
            for (NodePlan r : cluster.nodes()) {
                if (r == n) {
                    continue;
                }
                String mac = Netns.mac(r.netns(), VTEP);
                Netns.ip(n.netns(), "neigh", "replace", vtepIp(r), "lladdr", mac, "dev", VTEP, "nud", "permanent");
                Sh.run(Sh.inNs(n.netns(), "bridge", "fdb", "append", mac, "dev", VTEP, "dst", r.ip()));
                Netns.ip(n.netns(), "route", "replace", r.podCidr(), "via", vtepIp(r), "dev", VTEP, "onlink");
            }
        }
    }

    private static String vtepIp(NodePlan n) {
        return AddressPlan.addressIn(n.podCidr(), 0);
    }

    @Override
    public String plugin() {
        return "bridge";
    }

    @Override
    public String conf(ClusterPlan cluster, NodePlan node, Path dataDir) {
        return Cni.bridgeConf("cbr0", "cni0", node.podRange(), null, MTU, dataDir.toString());
    }
}

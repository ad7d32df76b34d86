package dev.netpaths.lab.net;

import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;

import java.util.List;

/**
 * kind's Docker network without Docker: bridge br0 in a namespace of its own (no link to the root namespace, so
 * nothing leaves the machine), the host namespace (the Docker host, 172.18.0.1) and one namespace per node, each
 * with a veth into br0 whose peer is created straight inside the node as eth0.
 */
public final class NodeNetwork {
    private final Netns netns;
    private final String prefix;

    public NodeNetwork(Netns netns, String prefix) {
        this.netns = netns;
        this.prefix = prefix;
    }

    public void build(List<ClusterPlan> clusters) {
        String net = AddressPlan.netNs(prefix);
        netns.create(net);
        Netns.sysctl(net, "net.ipv4.ip_forward=0");
        Netns.ip(net, "link", "add", "br0", "type", "bridge");
        Netns.ip(net, "link", "set", "br0", "up");

        // The Docker host: on the node network, forwards nothing, routes only to the nodes' pod ranges.
        String host = AddressPlan.hostNs(prefix);
        attach(host, prefix + "-h", AddressPlan.HOST_IP);
        Netns.sysctl(host, "net.ipv4.ip_forward=0");

        for (ClusterPlan c : clusters) {
            for (NodePlan n : c.nodes()) {
                attach(n.netns(), n.uplink(), n.ip());
                Netns.sysctl(n.netns(), "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
                        "net.ipv4.conf.default.rp_filter=0", "net.bridge.bridge-nf-call-iptables=1");
                // As on a kind node, the default route is the Docker host (whose ip_forward=0 drops anything
                // that is not for it); kube-proxy needs a route covering the Service CIDR or connect() fails first.
                Netns.ip(n.netns(), "route", "add", "default", "via", AddressPlan.HOST_IP);
                // The stand-in for the API server's pod proxy: the host reaches pods through their node.
                Netns.ip(host, "route", "add", n.podCidr(), "via", n.ip());
            }
        }
    }

    private void attach(String ns, String uplink, String ip) {
        String net = AddressPlan.netNs(prefix);
        netns.create(ns);
        Netns.ip(net, "link", "add", uplink, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Netns.ip(net, "link", "set", uplink, "master", "br0", "up");
        Netns.ip(ns, "addr", "add", ip + "/16", "dev", "eth0");
        Netns.ip(ns, "link", "set", "eth0", "up");
    }
}

package dev.netpaths.lab.net;

import java.util.ArrayList;
import java.util.List;

import dev.netpaths.lab.cni.CniKind;

/**
 * Who gets which address, decided before anything is created: node names as kind names them, node IPs on the
 * kind network 172.18.0.0/16 (the host namespace is .1, nodes count up from .2 across clusters), and each node's
 * pod range for the chosen CNI.
 */
public final class AddressPlan {
    public static final String NODE_NETWORK = "172.18.0.0/16";
    public static final String HOST_IP = "172.18.0.1";
    public static final String SERVICE_CIDR = "10.96.0.0/12";
    public static final String DNS_IP = "10.96.0.10";
    public static final List<String> CLUSTER_NAMES = List.of("netpaths", "netpaths-b");

    /** One node: its kind name, netns, veth name in the node network namespace, address and pod ranges. */
    public record NodePlan(String name, int index, String netns, String uplink, String ip, String podCidr,
                           String podRange, boolean controlPlane) {
    }

    /** One cluster of the lab. */
    public record ClusterPlan(String name, int index, CniKind cni, String clusterCidr, List<NodePlan> nodes) {
        public String podNetnsPrefix(String prefix) {
            return prefix + "-c" + (index + 1) + "-";
        }
    }

    private AddressPlan() {
    }

    /** The node network namespace holding bridge br0 (kind's Docker network, with no link to the outside). */
    public static String netNs(String prefix) {
        return prefix + "-net";
    }

    /** The host namespace: kind's Docker host, 172.18.0.1, where the harness runs. */
    public static String hostNs(String prefix) {
        return prefix + "-host";
    }

    public static List<ClusterPlan> plan(String prefix, CniKind cni, int nodes, int clusters) {
        List<ClusterPlan> out = new ArrayList<>();
        int nextHost = 2;
        for (int c = 0; c < clusters; c++) {
            String cluster = CLUSTER_NAMES.get(c);
            List<NodePlan> ns = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String name = cluster + (i == 0 ? "-control-plane" : i == 1 ? "-worker" : "-worker" + i);
                int host = nextHost++;
                ns.add(new NodePlan(name, i, prefix + "-" + name, prefix + "-" + host, "172.18.0." + host,
                        podCidr(cni, c, i), podRange(cni, c, i), i == 0));
            }
            out.add(new ClusterPlan(cluster, c, cni, cni.clusterCidr(c), List.copyOf(ns)));
        }
        return out;
    }

    /** {@code Node.spec.podCIDR}: a /24 per node out of the cluster CIDR, as kube-controller-manager assigns. */
    static String podCidr(CniKind cni, int cluster, int node) {
        return octets(cni.clusterCidr(cluster), node) + ".0/24";
    }

    /**
     * The range the node's CNI really allocates from: the /24 for Flannel and Weave (Weave's slice of its flat /12),
     * a /26 block at the start of it for Calico (Calico's IPAM block size).
     */
    static String podRange(CniKind cni, int cluster, int node) {
        return octets(cni.clusterCidr(cluster), node) + (cni == CniKind.CALICO ? ".0/26" : ".0/24");
    }

    /** First two octets of the cluster CIDR and the node's third octet: 10.244.0.0/16, node 2 -> 10.244.2. */
    private static String octets(String clusterCidr, int node) {
        String[] o = clusterCidr.split("[./]");
        return o[0] + "." + o[1] + "." + (Integer.parseInt(o[2]) + node);
    }

    /** The node's gateway/VTEP address in its range: the .0 address for Flannel's flannel.1, .1 otherwise. */
    public static String addressIn(String cidr, int last) {
        String[] o = cidr.split("[./]");
        return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) + last);
    }

    /**
     * A MetalLB pool entry for the n-th cluster on the shared node network: every address's third octet lowered by
     * n ({@code 172.18.255.200-172.18.255.250} -> {@code 172.18.254.200-172.18.254.250} for the second cluster).
     */
    public static String poolForCluster(String addresses, int clusterIndex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+\\.\\d+\\.)(\\d+)(\\.\\d+)").matcher(addresses);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int third = Integer.parseInt(m.group(2)) - clusterIndex;
            if (third < 0) {
                throw new IllegalArgumentException("cannot shift MetalLB pool " + addresses + " for cluster " + (clusterIndex + 1));
            }
            m.appendReplacement(out, m.group(1) + third + m.group(3));
        }
        return m.appendTail(out).toString();
    }
}

package dev.netpaths.lab.cni;

import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;

import java.nio.file.Path;

/** One CNI as the lab runs it: the node-level wiring its agent does, and the conf kubelet hands the plugin per pod. */
public interface PodNetwork {
    /** Overlay devices, routes or routing daemons between the cluster's nodes (what flanneld, calico-node or weave do). */
    void wireNodes(ClusterPlan cluster);

    /** Waits (bounded) until every node can route to every other node's pods. */
    default void awaitConverged(ClusterPlan cluster) {
    }

    /** The reference plugin under /usr/lib/cni that kubelet calls. */
    String plugin();

    /** The network configuration for pods on {@code node} of {@code cluster}; {@code dataDir} is host-local's state directory. */
    String conf(ClusterPlan cluster, NodePlan node, Path dataDir);
}

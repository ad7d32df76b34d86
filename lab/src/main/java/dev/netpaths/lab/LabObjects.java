package dev.netpaths.lab;

import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

import java.util.List;

/**
 * The Node objects kubelet registers for the lab's nodes, shaped like kind's: labels (the control plane's role,
 * {@code ingress-ready} and, with workers, {@code node.kubernetes.io/exclude-from-external-load-balancers}),
 * the control-plane taint, podCIDR.
 */
final class LabObjects {
    private LabObjects() {
    }

    static List<Node> nodes(ClusterPlan plan) {
        // kind taints the control plane only when there are workers to run the workloads
        boolean taint = plan.nodes().size() > 1;
        return plan.nodes().stream().map(n -> node(n, taint)).toList();
    }

    private static Node node(NodePlan n, boolean taintControlPlane) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(n.name())
                .addToLabels("kubernetes.io/hostname", n.name())
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .endMetadata();
        if (n.controlPlane()) {
            // kind's config in scripts/cluster/lib.sh labels the control plane ingress-ready (the ingress controller's nodeSelector)
            b.editMetadata().addToLabels("node-role.kubernetes.io/control-plane", "").addToLabels("ingress-ready", "true").endMetadata();
        }
        if (n.controlPlane() && taintControlPlane) {
            // kubeadm's markcontrolplane adds it (MetalLB then never elects the node); kind removes it, with the
            // taint, from a single-node cluster (kubernetes-sigs/kind kubeadminit/init.go)
            b.editMetadata().addToLabels("node.kubernetes.io/exclude-from-external-load-balancers", "").endMetadata();
        }
        if (n.controlPlane() && taintControlPlane) {
            b.withNewSpec().addNewTaint().withKey("node-role.kubernetes.io/control-plane").withEffect("NoSchedule").endTaint().endSpec();
        }
        return b.editOrNewSpec().withPodCIDR(n.podCidr()).withPodCIDRs(n.podCidr()).endSpec()
                .withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress(n.ip()).endAddress()
                .addNewAddress().withType("Hostname").withAddress(n.name()).endAddress()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                .endStatus().build();
    }
}

package dev.netpaths.lab;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.netpaths.lab.cni.Calico;
import dev.netpaths.lab.cni.CalicoNat;
import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.dataplane.KubeProxy;
import dev.netpaths.lab.dataplane.KubeProxyNft;
import dev.netpaths.lab.dataplane.NetworkPolicies;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.proc.Sh;

/**
 * The rules on one cluster's nodes, applied in each node's namespace: what kube-proxy (iptables-restore, or one nft
 * transaction), the CNI agent's NAT and the NetworkPolicy enforcer install at start, and kube-proxy's and the
 * enforcer's rules re-rendered on every sync and applied when they changed.
 */
final class NodeDataplane {
    private final ClusterPlan plan;
    private final ProxyMode proxyMode;
    private final Calico.Mode calicoMode;
    private boolean dryRun;
    private final Map<String, String> appliedConfig = new HashMap<>();
    /** nftables mode: per node, the kube-proxy table last applied (the next sync deletes what it no longer has). */
    private final Map<String, KubeProxyNft.Ruleset> appliedNft = new HashMap<>();

    NodeDataplane(ClusterPlan plan, ProxyMode proxyMode, Calico.Mode calicoMode) {
        this.plan = plan;
        this.proxyMode = proxyMode;
        this.calicoMode = calicoMode;
    }

    /** kube-proxy and the CNI agent link their chains into the built-in ones once, at start. */
    void start() {
        for (NodePlan n : plan.nodes()) {
            if (proxyMode == ProxyMode.IPTABLES) {
                restore(n, KubeProxy.hookRules());
            }
            restore(n, podNat(n));
            if (plan.cni().enforcesPolicy()) {
                restore(n, NetworkPolicies.hookRules());
            }
        }
    }

    /** The CNI agent's NAT on a node: Calico's natOutgoing (felix), or Flannel's/Weave's pod masquerade. */
    private String podNat(NodePlan n) {
        if (plan.cni() == CniKind.CALICO) {
            return CalicoNat.render(plan.clusterCidr(), calicoMode == Calico.Mode.VXLAN ? Calico.VXLAN_DEVICE : null);
        }
        return KubeProxy.renderPodMasquerade(n.podRange(), plan.clusterCidr());
    }

    /** Per node the kube-proxy rules, and policy rules for CNIs that enforce them; {@code nodes} in the plan's order. */
    void sync(List<Node> nodes, List<Service> services, List<EndpointSlice> slices, List<NetworkPolicy> policies, List<Pod> pods,
              List<Namespace> namespaces) {
        for (int i = 0; i < plan.nodes().size(); i++) {
            NodePlan n = plan.nodes().get(i);
            if (proxyMode == ProxyMode.NFTABLES) {
                KubeProxyNft.Ruleset table = KubeProxyNft.render(nodes.get(i), services, slices, plan.clusterCidr(), AddressPlan.SERVICE_CIDR);
                applyIfChanged("kube-proxy " + n.name(), String.join("\n", table.lines()), t -> {
                    // one nft transaction, as kube-proxy's sync; counters are the lab's addition for `rules`
                    nft(n, KubeProxyNft.transaction(appliedNft.computeIfAbsent(n.name(), k -> listedTable(n)), table, true));
                    appliedNft.put(n.name(), table);
                });
            } else {
                applyIfChanged("kube-proxy " + n.name(), KubeProxy.render(nodes.get(i), services, slices, plan.clusterCidr()), t -> restore(n, t));
            }
            if (plan.cni().enforcesPolicy()) {
                applyIfChanged("policy " + n.name(), NetworkPolicies.render(nodes.get(i), policies, pods, namespaces), t -> restore(n, t));
            }
        }
    }

    /** While on, {@link #sync} renders every config and applies none ({@link ClusterRuntime#check()}). */
    void dryRun(boolean on) {
        dryRun = on;
    }

    private void applyIfChanged(String what, String text, Consumer<String> apply) {
        if (!dryRun && !text.equals(appliedConfig.get(what))) {
            apply.accept(text);
            appliedConfig.put(what, text);
        }
    }

    private static void restore(NodePlan n, String rules) {
        try {
            Sh.runWith(rules, List.of(), Sh.inNs(n.netns(), "iptables-restore", "--noflush"));
        } catch (LabException e) {
            throw new LabException("iptables-restore on " + n.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static void nft(NodePlan n, String transaction) {
        try {
            Sh.runWith(transaction, List.of(), Sh.inNs(n.netns(), "nft", "-f", "-"));
        } catch (LabException e) {
            throw new LabException("nft -f on " + n.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The node's kube-proxy table as it is (a new process, a live verb, starts from it), or null before the first sync. */
    private static KubeProxyNft.Ruleset listedTable(NodePlan n) {
        Sh.Result r = Sh.tryRun(java.time.Duration.ofSeconds(20), Sh.inNs(n.netns(), "nft", "list", "table", "ip", "kube-proxy"));
        return r.ok() ? KubeProxyNft.Ruleset.listed(r.out()) : null;
    }
}

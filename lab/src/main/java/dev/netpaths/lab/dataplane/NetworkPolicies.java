package dev.netpaths.lab.dataplane;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.Scheduler;
import dev.netpaths.lab.net.Ipv4;

/**
 * A NetworkPolicy enforcer (Calico's semantics, iptables in the filter table) for the pods on one node.
 * Traffic to a local pod crosses the node's FORWARD chain whether the pod is routed (ptp) or bridged (the
 * bridge plugin with {@code bridge-nf-call-iptables=1}), after kube-proxy's DNAT and before any masquerade,
 * so the rules match the destination pod IP and the original source there.
 *
 * <p>Shape: {@code NETPATHS-NP-FORWARD} (jumped to first from FORWARD) sends traffic for each isolated local
 * pod to {@code NETPATHS-NP-<hash of ns/pod>}, which accepts ESTABLISHED,RELATED, accepts the node's own
 * InternalIPs (kubelet probes; Calico allows host-to-local-pod traffic the same way), then one rule per
 * allowed source x port from every Ingress policy selecting the pod, then DROP. Sources: podSelector (pods of
 * the policy's namespace), namespaceSelector (pods of the matching namespaces, by their labels, e.g.
 * {@code kubernetes.io/metadata.name}), both (pods matching both), ipBlock (its CIDR; the excepts in a
 * {@code NETPATHS-NB-<hash>} chain that RETURNs them first); an empty {@code from} is any source. Ports:
 * protocol (TCP default), number, named port resolved against the target pod's containers, {@code endPort}
 * ranges; an empty {@code ports} is every port. A pod is isolated when a policy with Ingress in its policy
 * types selects it; pods selected by none are untouched. Pods are matched by the IPs known now: re-render
 * when pods come and go.
 *
 * <p>Egress (the policies with Egress in their policy types; unset types mean Egress when the policy has
 * {@code egress} rules, as the API defaults them): traffic from each local pod isolated for egress goes first
 * to {@code NETPATHS-NE-<hash of ns/pod>}, which accepts ESTABLISHED,RELATED, RETURNs (to the ingress checks)
 * what an egress rule allows and DROPs the rest. The match is on the destination after kube-proxy's DNAT, as
 * Calico and weave-npc see it: a ClusterIP or LoadBalancer destination is allowed by the pod it is DNATed to
 * (so the DNS allowance names the kube-dns pods and port 53, not the kube-dns ClusterIP). Peers and ports as
 * for ingress; a named port in an egress rule is refused (it would resolve per destination pod).
 *
 * <p>Simplified: host-network pods are not policed (as in Kubernetes); SCTP is matched like TCP/UDP; egress
 * from a pod to its own node's addresses (INPUT, not FORWARD) is not policed.
 */
public final class NetworkPolicies {
    /** The chain FORWARD jumps to; see {@link #hookRules()}. */
    public static final String FORWARD_CHAIN = "NETPATHS-NP-FORWARD";

    private NetworkPolicies() {
    }

    /**
     * {@code iptables-restore --noflush} input for the filter table: declares {@link #FORWARD_CHAIN} and the
     * per-pod chains, so a reapply replaces them atomically; chains of pods that went away stay unreferenced.
     *
     * @throws IllegalArgumentException naming the policy for a malformed ipBlock or an unknown selector operator
     */
    public static String render(Node self, List<NetworkPolicy> policies, List<Pod> pods, List<Namespace> namespaces) {
        String nodeName = self.getMetadata().getName();
        IptablesText filter = new IptablesText("filter").chain(FORWARD_CHAIN);
        List<NetworkPolicy> ingressPolicies = policies.stream().filter(NetworkPolicies::isIngress)
                .sorted(Comparator.comparing(Kube::key)).toList();
        List<NetworkPolicy> egressPolicies = policies.stream().filter(NetworkPolicies::isEgress)
                .sorted(Comparator.comparing(Kube::key)).toList();
        List<Pod> localPods = pods.stream()
                .filter(p -> nodeName.equals(Scheduler.nodeName(p)) && Kube.podIp(p) != null && !hostNetwork(p))
                .sorted(Comparator.comparing(Kube::key)).toList();
        List<String> nodeIps = self.getStatus() == null || self.getStatus().getAddresses() == null ? List.of()
                : self.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress).filter(ip -> !ip.contains(":")).toList();
        for (Pod pod : localPods) {
            List<NetworkPolicy> egressSelecting = selecting(egressPolicies, pod);
            if (egressSelecting.isEmpty()) {
                continue;
            }
            String chain = "NETPATHS-NE-" + KubeProxy.chainHash(Kube.key(pod));
            filter.chain(chain);
            filter.rule("-A", FORWARD_CHAIN, "-s", Kube.podIp(pod) + "/32", "-m comment --comment",
                    IptablesText.quote(Kube.key(pod) + " egress"), "-j", chain);
            filter.rule("-A", chain, "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
            for (NetworkPolicy policy : egressSelecting) {
                List<NetworkPolicyEgressRule> rules = policy.getSpec().getEgress() == null ? List.of() : policy.getSpec().getEgress();
                for (int r = 0; r < rules.size(); r++) {
                    writeEgressRule(filter, chain, policy, r, rules.get(r), pods, namespaces);
                }
            }
            filter.rule("-A", chain, "-m comment --comment", IptablesText.quote(Kube.key(pod) + " isolated for egress"),
                    "-j DROP");
        }
        for (Pod pod : localPods) {
            List<NetworkPolicy> selecting = ingressPolicies.stream()
                    .filter(np -> Kube.namespace(np).equals(Kube.namespace(pod))
                            && Kube.matches(np.getSpec().getPodSelector(), Kube.labels(pod), "NetworkPolicy " + Kube.key(np)))
                    .toList();
            if (selecting.isEmpty()) {
                continue;
            }
            String chain = "NETPATHS-NP-" + KubeProxy.chainHash(Kube.key(pod));
            filter.chain(chain);
            filter.rule("-A", FORWARD_CHAIN, "-d", Kube.podIp(pod) + "/32", "-m comment --comment", Kube.key(pod),
                    "-j", chain);
            filter.rule("-A", chain, "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
            for (String ip : nodeIps) {
                filter.rule("-A", chain, "-s", ip + "/32", "-m comment --comment",
                        IptablesText.quote("from node " + nodeName), "-j ACCEPT");
            }
            for (NetworkPolicy policy : selecting) {
                List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress() == null ? List.of()
                        : policy.getSpec().getIngress();
                for (int r = 0; r < rules.size(); r++) {
                    writeRule(filter, chain, policy, r, rules.get(r), pod, pods, namespaces);
                }
            }
            filter.rule("-A", chain, "-m comment --comment", IptablesText.quote(Kube.key(pod) + " isolated for ingress"),
                    "-j DROP");
        }
        return filter.toString();
    }

    private static List<NetworkPolicy> selecting(List<NetworkPolicy> policies, Pod pod) {
        return policies.stream().filter(np -> Kube.namespace(np).equals(Kube.namespace(pod))
                && Kube.matches(np.getSpec().getPodSelector(), Kube.labels(pod), "NetworkPolicy " + Kube.key(np))).toList();
    }

    /** One egress rule: RETURN (on to the ingress checks) for each allowed destination x port. */
    private static void writeEgressRule(IptablesText filter, String chain, NetworkPolicy policy, int index,
                                        NetworkPolicyEgressRule rule, List<Pod> pods, List<Namespace> namespaces) {
        String comment = "-m comment --comment " + IptablesText.quote(Kube.key(policy) + " egress[" + index + "]");
        for (NetworkPolicyPort port : rule.getPorts() == null ? List.<NetworkPolicyPort>of() : rule.getPorts()) {
            if (port.getPort() != null && port.getPort().getStrVal() != null) {
                throw new IllegalArgumentException("NetworkPolicy " + Kube.key(policy) + " egress[" + index
                        + "]: the lab does not model named ports in egress rules (" + port.getPort().getStrVal() + ")");
            }
        }
        List<String> portMatches = portMatches(rule.getPorts(), null);
        List<NetworkPolicyPeer> to = rule.getTo() == null ? List.of() : rule.getTo();
        List<String> destinations = new ArrayList<>();
        List<String> blockChains = new ArrayList<>();
        if (to.isEmpty()) {
            destinations.add("");
        }
        for (int p = 0; p < to.size(); p++) {
            NetworkPolicyPeer peer = to.get(p);
            if (peer.getIpBlock() != null) {
                IPBlock block = peer.getIpBlock();
                String cidr = cidr(block.getCidr(), policy);
                if (block.getExcept() == null || block.getExcept().isEmpty()) {
                    destinations.add("-d " + cidr);
                } else {
                    String blockChain = "NETPATHS-EB-" + KubeProxy.chainHash(chain + "|" + Kube.key(policy) + "|" + index + "|" + p);
                    filter.chain(blockChain);
                    for (String except : block.getExcept()) {
                        filter.rule("-A", blockChain, "-d", cidr(except, policy), "-j RETURN");
                    }
                    // allowed: marked, so the egress chain RETURNs it (on to the ingress checks) when this chain ends
                    filter.rule("-A", blockChain, "-d", cidr, "-j MARK --or-mark", EGRESS_OK);
                    blockChains.add(blockChain);
                }
            } else {
                for (String ip : peerPodIps(peer, policy, pods, namespaces)) {
                    destinations.add("-d " + ip + "/32");
                }
            }
        }
        for (String ports : portMatches) {
            for (String destination : destinations) {
                filter.rule("-A", chain, destination, ports, comment, "-j RETURN");
            }
            for (String blockChain : blockChains) {
                filter.rule("-A", chain, ports, comment, "-j", blockChain);
                filter.rule("-A", chain, "-m mark --mark", EGRESS_OK + "/" + EGRESS_OK, comment, "-j RETURN");
            }
        }
    }

    /** A mark bit (not kube-proxy's 0x4000 or 0x8000) for an ipBlock-with-except egress decision; left set (unused later). */
    static final String EGRESS_OK = "0x20000";

    private static void writeRule(IptablesText filter, String chain, NetworkPolicy policy, int index,
                                  NetworkPolicyIngressRule rule, Pod target, List<Pod> pods, List<Namespace> namespaces) {
        String comment = "-m comment --comment " + IptablesText.quote(Kube.key(policy) + " ingress[" + index + "]");
        List<String> portMatches = portMatches(rule.getPorts(), target);
        if (portMatches.isEmpty()) {
            return; // only named ports the pod does not have: this rule allows nothing to it
        }
        List<NetworkPolicyPeer> from = rule.getFrom() == null ? List.of() : rule.getFrom();
        List<String> sources = new ArrayList<>();
        List<String> blockChains = new ArrayList<>();
        if (from.isEmpty()) {
            sources.add("");
        }
        for (int p = 0; p < from.size(); p++) {
            NetworkPolicyPeer peer = from.get(p);
            if (peer.getIpBlock() != null) {
                IPBlock block = peer.getIpBlock();
                String cidr = cidr(block.getCidr(), policy);
                if (block.getExcept() == null || block.getExcept().isEmpty()) {
                    sources.add("-s " + cidr);
                } else {
                    String blockChain = "NETPATHS-NB-" + KubeProxy.chainHash(Kube.key(target) + "|" + Kube.key(policy)
                            + "|" + index + "|" + p);
                    filter.chain(blockChain);
                    for (String except : block.getExcept()) {
                        filter.rule("-A", blockChain, "-s", cidr(except, policy), "-j RETURN");
                    }
                    filter.rule("-A", blockChain, "-s", cidr, "-j ACCEPT");
                    blockChains.add(blockChain);
                }
            } else {
                for (String ip : peerPodIps(peer, policy, pods, namespaces)) {
                    sources.add("-s " + ip + "/32");
                }
            }
        }
        for (String ports : portMatches) {
            for (String source : sources) {
                filter.rule(Stream.of("-A", chain, source, ports, comment, "-j ACCEPT")
                        .filter(w -> !w.isEmpty()).toArray(String[]::new));
            }
            for (String blockChain : blockChains) {
                filter.rule(Stream.of("-A", chain, ports, comment, "-j", blockChain)
                        .filter(w -> !w.isEmpty()).toArray(String[]::new));
            }
        }
    }

    /** Sorted IPs of the pods a podSelector/namespaceSelector peer selects. */
    private static List<String> peerPodIps(NetworkPolicyPeer peer, NetworkPolicy policy, List<Pod> pods,
                                           List<Namespace> namespaces) {
        String owner = "NetworkPolicy " + Kube.key(policy);
        return pods.stream()
                .filter(p -> Kube.podIp(p) != null && !hostNetwork(p))
                .filter(p -> peer.getNamespaceSelector() == null
                        ? Kube.namespace(p).equals(Kube.namespace(policy))
                        : Kube.matches(peer.getNamespaceSelector(), namespaceLabels(Kube.namespace(p), namespaces), owner))
                .filter(p -> peer.getPodSelector() == null || Kube.matches(peer.getPodSelector(), Kube.labels(p), owner))
                .map(Kube::podIp)
                .distinct()
                .sorted(Comparator.comparingLong(Ipv4::parse))
                .toList();
    }

    private static Map<String, String> namespaceLabels(String name, List<Namespace> namespaces) {
        return namespaces.stream().filter(ns -> name.equals(ns.getMetadata().getName())).findFirst()
                .map(Kube::labels)
                .orElse(Map.of(ClusterAddons.NAMESPACE_NAME_LABEL, name));
    }

    /** iptables match fragments, one per port entry; [""] for "all ports"; empty when nothing resolves. */
    private static List<String> portMatches(List<NetworkPolicyPort> ports, Pod target) {
        if (ports == null || ports.isEmpty()) {
            return List.of("");
        }
        List<String> matches = new ArrayList<>();
        for (NetworkPolicyPort port : ports) {
            String protocol = (port.getProtocol() == null ? "TCP" : port.getProtocol()).toLowerCase(Locale.ROOT);
            String match = "-p " + protocol + " -m " + protocol;
            IntOrString number = port.getPort();
            if (number == null) {
                matches.add(match);
            } else if (number.getStrVal() != null) {
                for (Integer resolved : Kube.namedPorts(target, number.getStrVal(), protocol)) {
                    matches.add(match + " --dport " + resolved);
                }
            } else if (port.getEndPort() != null) {
                matches.add(match + " --dport " + number.getIntVal() + ":" + port.getEndPort());
            } else {
                matches.add(match + " --dport " + number.getIntVal());
            }
        }
        return matches;
    }

    private static String cidr(String text, NetworkPolicy policy) {
        try {
            return Ipv4.Cidr.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("NetworkPolicy " + Kube.key(policy) + ": bad ipBlock " + text, e);
        }
    }

    /** Egress in policyTypes, or policyTypes unset and egress rules present (the API's defaulting). */
    private static boolean isEgress(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        return types == null || types.isEmpty() ? policy.getSpec().getEgress() != null && !policy.getSpec().getEgress().isEmpty()
                : types.contains("Egress");
    }

    private static boolean isIngress(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        return types == null || types.isEmpty() || types.contains("Ingress");
    }

    private static boolean hostNetwork(Pod pod) {
        return Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    }

    /**
     * The jump from FORWARD to {@link #FORWARD_CHAIN}, inserted first, as {@code iptables-restore --noflush}
     * input that declares the chain. Apply exactly once per node, after {@link KubeProxy#hookRules()} (so
     * policy is evaluated before KUBE-FORWARD's accepts, as Calico's cali-FORWARD is) and before the first
     * {@link #render}.
     */
    public static String hookRules() {
        return new IptablesText("filter").chain(FORWARD_CHAIN)
                .rule("-I FORWARD -m comment --comment", IptablesText.quote("netpaths network policy"), "-j", FORWARD_CHAIN)
                .toString();
    }
}

package dev.netpaths.lab.dataplane;

import dev.netpaths.lab.api.EndpointsController.ReadyEndpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.List;
import java.util.Locale;

import dev.netpaths.lab.addons.MetalLb;
import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.ServiceAllocator;
import dev.netpaths.lab.net.Ipv4;

/**
 * kube-proxy in iptables mode ({@code pkg/proxy/iptables/proxier.go}), for one node: the
 * {@code iptables-restore} input its {@code syncProxyRules} writes, with its chain names (KUBE-SVC-, KUBE-SVL-,
 * KUBE-EXT-, KUBE-SEP- + the first 16 characters of base32(sha256)), comments, rule order and probabilities
 * ({@code %0.10f} of 1/n, 1/(n-1), ..., the last endpoint a plain jump).
 *
 * <ul>
 *   <li>ClusterIP per Service port in KUBE-SERVICES, masquerading sources outside the cluster CIDR; KUBE-SEP
 *   marks hairpin traffic (source = the endpoint) and DNATs. {@code internalTrafficPolicy: Local} uses only
 *   this node's endpoints.</li>
 *   <li>NodePorts in KUBE-NODEPORTS (reached by the last rule of KUBE-SERVICES, {@code addrtype LOCAL}),
 *   LoadBalancer ingress IPs and externalIPs in KUBE-SERVICES, all to KUBE-EXT-: {@code Cluster} marks for
 *   masquerade and goes to KUBE-SVC-; {@code Local} sends pod and node-local sources to KUBE-SVC- (node-local
 *   ones masqueraded) and the rest to KUBE-SVL- (this node's endpoints only, client IP kept), and when this
 *   node has none, the filter table drops them.</li>
 *   <li>No endpoints at all: REJECT in the filter table (KUBE-SERVICES for the ClusterIP,
 *   KUBE-EXTERNAL-SERVICES for node ports and external IPs), as kube-proxy does.</li>
 *   <li>KUBE-POSTROUTING masquerades packets marked 0x4000 ({@code --random-fully}) after clearing the mark;
 *   KUBE-FORWARD accepts marked and established traffic and drops INVALID.</li>
 *
 *   <li>{@code sessionAffinity: ClientIP}: before the balancing rules of each KUBE-SVC-/KUBE-SVL- chain, one
 *   {@code -m recent --name <KUBE-SEP> --rcheck --seconds <timeout> --reap} jump per endpoint, and each
 *   KUBE-SEP- records the client with {@code -m recent --name <KUBE-SEP> --set} before its DNAT
 *   ({@code writeServiceToEndpointRules} and the per-endpoint chains of {@code syncProxyRules}).</li>
 *   <li>{@code loadBalancerSourceRanges}: load balancer IP traffic goes through KUBE-FW-, which jumps to
 *   KUBE-EXT- for each source range (and from the VIP itself when a range holds the node IP) and lets the
 *   rest fall through undNATed to the DROP in the filter table's KUBE-PROXY-FIREWALL. NodePorts are not
 *   subject to it, as in kube-proxy.</li>
 * </ul>
 *
 * <p>Upstream read: {@code kubernetes/kubernetes pkg/proxy/iptables/proxier.go} (the v1.28 shape: {@code
 * usesFWChain}, {@code writeServiceToEndpointRules}). Fields kube-proxy acts on that the lab does not
 * implement are refused by {@link ServiceAllocator} ("the lab does not model ...").
 *
 * <p>Simplified: IPv4 only; only ready endpoints (no fallback to serving-terminating ones); no
 * healthCheckNodePort or topology hints (refused); NodePorts are not served on
 * 127.0.0.1 (kube-proxy's {@code --iptables-localhost-nodeports=false} shape, no {@code route_localnet});
 * stale KUBE-SVC/SEP chains of removed Services are left in place unreferenced instead of deleted (harmless).
 */
public final class KubeProxy {
    /** kube-proxy's default masquerade bit ({@code --iptables-masquerade-bit=14}). */
    public static final String MASQ_MARK = "0x4000";
    /** The nat chain {@link #renderPodMasquerade} writes. */
    public static final String POD_MASQ_CHAIN = "NETPATHS-POD-MASQ";

    private static final String MARK_MASQ = "KUBE-MARK-MASQ";

    private KubeProxy() {
    }

    /**
     * The rules for {@code self}: {@code *filter} then {@code *nat}, each declaring every chain it writes, so
     * reapplying with {@code iptables-restore --noflush} replaces the KUBE-* chains atomically (declared chains
     * are flushed) and leaves other chains alone. The jumps from the built-in chains are NOT in this text
     * (kube-proxy ensures them separately, since {@code --noflush} would append them again on every reapply):
     * apply {@link #hookRules()} once per node first.
     *
     * @param self        the node; its name decides which endpoints are local
     * @param services    admitted Services ({@link ServiceAllocator}, {@link MetalLb})
     * @param slices      {@link EndpointsController} output
     * @param clusterCidr the cluster's pod CIDR ({@code --cluster-cidr}, the local-traffic detector)
     */
    public static String render(Node self, List<Service> services, List<EndpointSlice> slices, String clusterCidr) {
        String cidr = Ipv4.Cidr.parse(clusterCidr).toString();
        IptablesText filter = new IptablesText("filter");
        for (String chain : List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
                "KUBE-PROXY-FIREWALL")) {
            filter.chain(chain);
        }
        IptablesText nat = new IptablesText("nat");
        for (String chain : List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", MARK_MASQ)) {
            nat.chain(chain);
        }
        nat.rule("-A KUBE-POSTROUTING -m mark ! --mark", MASQ_MARK + "/" + MASQ_MARK, "-j RETURN");
        nat.rule("-A KUBE-POSTROUTING -j MARK --xor-mark", MASQ_MARK);
        nat.rule("-A KUBE-POSTROUTING -m comment --comment", IptablesText.quote("kubernetes service traffic requiring SNAT"),
                "-j MASQUERADE --random-fully");
        nat.rule("-A", MARK_MASQ, "-j MARK --or-mark", MASQ_MARK);

        for (ServicePortPlan port : ServicePortPlan.of(self, services, slices)) {
            writeServicePort(port, cidr, filter, nat);
        }
        nat.rule("-A KUBE-SERVICES -m comment --comment",
                IptablesText.quote("kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
                "-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS");
        filter.rule("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
        filter.rule("-A KUBE-FORWARD -m comment --comment", IptablesText.quote("kubernetes forwarding rules"),
                "-m mark --mark", MASQ_MARK + "/" + MASQ_MARK, "-j ACCEPT");
        filter.rule("-A KUBE-FORWARD -m comment --comment", IptablesText.quote("kubernetes forwarding conntrack rule"),
                "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        return filter + nat.toString();
    }

    /** The iptables proxier's per-Service-port hash: {@code servicePortChainName}'s portProtoHash of name + protocol. */
    private static String hash(ServicePortPlan info) {
        return chainHash(info.name() + info.protocol());
    }

    private static String sepChain(ServicePortPlan info, ReadyEndpoint ep) {
        return "KUBE-SEP-" + chainHash(info.name() + info.protocol() + ep.address());
    }

    /** kube-proxy's portProtoHash: the first 16 characters of base32(sha256). */
    public static String chainHash(String text) {
        return base32(Kube.sha256(text)).substring(0, 16);
    }

    static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = buffer << 8 | b & 0xff;
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt(buffer >> (bits - 5) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt(buffer << (5 - bits) & 31));
        }
        return out.toString();
    }

    private static void writeServicePort(ServicePortPlan info, String clusterCidr, IptablesText filter, IptablesText nat) {
        String name = info.name();
        String protocol = info.protocol();
        String match = "-m " + protocol + " -p " + protocol;
        String clusterIp = info.clusterIp();
        int port = info.portNumber();
        List<ReadyEndpoint> all = info.all();
        List<ReadyEndpoint> local = info.local();
        String svcChain = "KUBE-SVC-" + hash(info);
        String svlChain = "KUBE-SVL-" + hash(info);
        String extChain = "KUBE-EXT-" + hash(info);
        String fwChain = "KUBE-FW-" + hash(info);
        boolean internalLocal = info.internalLocal();
        boolean externalLocal = info.externalLocal();
        boolean hasEndpoints = info.hasEndpoints();
        boolean hasInternal = info.hasInternalEndpoints();
        boolean hasExternal = info.hasExternalEndpoints();
        String internalChain = internalLocal ? svlChain : svcChain;
        String externalPolicyChain = externalLocal ? svlChain : svcChain;
        List<String> externalIps = info.externalIps();
        String lbIp = info.loadBalancerIp();
        int nodePort = info.nodePort();
        boolean externallyAccessible = info.externallyAccessible();
        List<String> sourceRanges = info.sourceRanges();
        // the iptables proxier's usesFWChain also needs endpoints (the nftables one does not)
        boolean usesFw = hasEndpoints && lbIp != null && !sourceRanges.isEmpty();

        String filterTarget = hasEndpoints ? "DROP" : "REJECT";
        String internalFilterComment = IptablesText.quote(name + (hasEndpoints ? " has no local endpoints" : " has no endpoints"));
        String externalFilterComment = internalFilterComment;

        // capture: ClusterIP, external IPs, load balancer IP, node port
        if (hasInternal) {
            nat.rule("-A KUBE-SERVICES -m comment --comment", IptablesText.quote(name + " cluster IP"), match,
                    "-d", clusterIp, "--dport", String.valueOf(port), "-j", internalChain);
        } else {
            filter.rule("-A KUBE-SERVICES -m comment --comment", internalFilterComment, match,
                    "-d", clusterIp, "--dport", String.valueOf(port), "-j", filterTarget);
        }
        for (String externalIp : externalIps) {
            if (hasEndpoints) {
                nat.rule("-A KUBE-SERVICES -m comment --comment", IptablesText.quote(name + " external IP"), match,
                        "-d", externalIp, "--dport", String.valueOf(port), "-j", extChain);
            }
            if (!hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment", externalFilterComment, match,
                        "-d", externalIp, "--dport", String.valueOf(port), "-j", filterTarget);
            }
        }
        if (lbIp != null) {
            if (hasEndpoints) {
                nat.rule("-A KUBE-SERVICES -m comment --comment", IptablesText.quote(name + " loadbalancer IP"), match,
                        "-d", lbIp, "--dport", String.valueOf(port), "-j", usesFw ? fwChain : extChain);
            }
            if (usesFw) {
                filter.rule("-A KUBE-PROXY-FIREWALL -m comment --comment",
                        IptablesText.quote(name + " traffic not accepted by " + fwChain), match,
                        "-d", lbIp, "--dport", String.valueOf(port), "-j DROP");
            }
            if (!hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment", externalFilterComment, match,
                        "-d", lbIp, "--dport", String.valueOf(port), "-j", filterTarget);
            }
        }
        if (nodePort != 0) {
            if (hasEndpoints) {
                nat.rule("-A KUBE-NODEPORTS -m comment --comment", name, match, "--dport", String.valueOf(nodePort),
                        "-j", extChain);
            }
            if (!hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment", externalFilterComment,
                        "-m addrtype --dst-type LOCAL", match, "--dport", String.valueOf(nodePort), "-j", filterTarget);
            }
        }

        // internal traffic: masquerade what comes from outside the cluster CIDR
        if (hasInternal) {
            nat.rule("-A", internalChain, "-m comment --comment", IptablesText.quote(name + " cluster IP"), match,
                    "-d", clusterIp, "--dport", String.valueOf(port), "!", "-s", clusterCidr, "-j", MARK_MASQ);
        }
        // external traffic
        if (hasEndpoints && externallyAccessible) {
            nat.chain(extChain);
            if (!externalLocal) {
                nat.rule("-A", extChain, "-m comment --comment",
                        IptablesText.quote("masquerade traffic for " + name + " external destinations"), "-j", MARK_MASQ);
            } else {
                nat.rule("-A", extChain, "-m comment --comment",
                        IptablesText.quote("pod traffic for " + name + " external destinations"),
                        "-s", clusterCidr, "-j", svcChain);
                nat.rule("-A", extChain, "-m comment --comment",
                        IptablesText.quote("masquerade LOCAL traffic for " + name + " external destinations"),
                        "-m addrtype --src-type LOCAL -j", MARK_MASQ);
                nat.rule("-A", extChain, "-m comment --comment",
                        IptablesText.quote("route LOCAL traffic for " + name + " external destinations"),
                        "-m addrtype --src-type LOCAL -j", svcChain);
            }
            if (hasExternal) {
                nat.rule("-A", extChain, "-j", externalPolicyChain);
            }
        }
        // the firewall chain: allowed sources go on to KUBE-EXT-, the rest stays unDNATed for KUBE-PROXY-FIREWALL
        if (usesFw) {
            nat.chain(fwChain);
            String comment = IptablesText.quote(name + " loadbalancer IP");
            for (String range : sourceRanges) {
                nat.rule("-A", fwChain, "-m comment --comment", comment, "-s", range, "-j", extChain);
            }
            if (info.allowFromNode()) {
                nat.rule("-A", fwChain, "-m comment --comment", comment, "-s", lbIp, "-j", extChain);
            }
            nat.rule("-A", fwChain, "-m comment --comment",
                    IptablesText.quote("other traffic to " + name + " will be dropped by KUBE-PROXY-FIREWALL"));
        }
        // policy chains and endpoint chains
        boolean usesCluster = info.usesCluster();
        boolean usesLocal = info.usesLocal();
        if (usesCluster) {
            nat.chain(svcChain);
            writeBalancing(nat, svcChain, info, all);
        }
        if (usesLocal) {
            nat.chain(svlChain);
            writeBalancing(nat, svlChain, info, local);
        }
        for (ReadyEndpoint ep : info.reachable()) {
            String sep = sepChain(info, ep);
            nat.chain(sep);
            nat.rule("-A", sep, "-m comment --comment", name, "-s", ep.ip(), "-j", MARK_MASQ);
            nat.rule("-A", sep, "-m comment --comment", name,
                    info.stickySeconds() > 0 ? "-m recent --name " + sep + " --set" : "",
                    match, "-j DNAT --to-destination", ep.address());
        }
    }

    private static void writeBalancing(IptablesText nat, String chain, ServicePortPlan info, List<ReadyEndpoint> endpoints) {
        int n = endpoints.size();
        if (info.stickySeconds() > 0) {
            for (ReadyEndpoint ep : endpoints) {
                nat.rule("-A", chain, "-m comment --comment", IptablesText.quote(info.name() + " -> " + ep.address()),
                        "-m recent --name", sepChain(info, ep), "--rcheck --seconds", String.valueOf(info.stickySeconds()),
                        "--reap -j", sepChain(info, ep));
            }
        }
        for (int i = 0; i < n; i++) {
            ReadyEndpoint ep = endpoints.get(i);
            String comment = IptablesText.quote(info.name() + " -> " + ep.address());
            if (i < n - 1) {
                nat.rule("-A", chain, "-m comment --comment", comment, "-m statistic --mode random --probability",
                        probability(n - i), "-j", sepChain(info, ep));
            } else {
                nat.rule("-A", chain, "-m comment --comment", comment, "-j", sepChain(info, ep));
            }
        }
    }

    /** kube-proxy's computeProbability: {@code fmt.Sprintf("%0.10f", 1.0/float64(n))}. */
    static String probability(int n) {
        return String.format(Locale.ROOT, "%.10f", 1.0 / n);
    }

    /**
     * The jumps kube-proxy links into the built-in chains (its {@code iptablesJumpChains}, inserted at the
     * top), as {@code iptables-restore --noflush} input that also declares the KUBE-* chains jumped to. Apply
     * exactly once per node, before the first {@link #render}: a second apply would flush the declared chains
     * and duplicate the jumps.
     */
    public static String hookRules() {
        IptablesText filter = new IptablesText("filter");
        for (String chain : List.of("KUBE-PROXY-FIREWALL", "KUBE-FORWARD", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES",
                "KUBE-NODEPORTS")) {
            filter.chain(chain);
        }
        String isNew = "-m conntrack --ctstate NEW";
        String externallyVisible = "-m comment --comment " + IptablesText.quote("kubernetes externally-visible service portals");
        String portals = "-m comment --comment " + IptablesText.quote("kubernetes service portals");
        String firewall = "-m comment --comment " + IptablesText.quote("kubernetes load balancer firewall");
        // kube-proxy prepends each jump in this order, so the last one listed ends up first in its chain
        filter.rule("-I INPUT", isNew, externallyVisible, "-j KUBE-EXTERNAL-SERVICES");
        filter.rule("-I FORWARD", isNew, externallyVisible, "-j KUBE-EXTERNAL-SERVICES");
        filter.rule("-I INPUT -m comment --comment", IptablesText.quote("kubernetes health check service ports"),
                "-j KUBE-NODEPORTS");
        filter.rule("-I FORWARD", isNew, portals, "-j KUBE-SERVICES");
        filter.rule("-I OUTPUT", isNew, portals, "-j KUBE-SERVICES");
        filter.rule("-I FORWARD -m comment --comment", IptablesText.quote("kubernetes forwarding rules"), "-j KUBE-FORWARD");
        filter.rule("-I INPUT", isNew, firewall, "-j KUBE-PROXY-FIREWALL");
        filter.rule("-I OUTPUT", isNew, firewall, "-j KUBE-PROXY-FIREWALL");
        filter.rule("-I FORWARD", isNew, firewall, "-j KUBE-PROXY-FIREWALL");
        IptablesText nat = new IptablesText("nat");
        nat.chain("KUBE-SERVICES").chain("KUBE-POSTROUTING");
        nat.rule("-I OUTPUT", portals, "-j KUBE-SERVICES");
        nat.rule("-I PREROUTING", portals, "-j KUBE-SERVICES");
        nat.rule("-I POSTROUTING -m comment --comment", IptablesText.quote("kubernetes postrouting rules"),
                "-j KUBE-POSTROUTING");
        return filter + nat.toString();
    }

    /**
     * MASQUERADE for pod traffic leaving the cluster CIDR, in flanneld's {@code --ip-masq} shape (kind's
     * ip-masq-agent does the same) in the nat chain {@link #POD_MASQ_CHAIN}, appended to POSTROUTING: traffic
     * kube-proxy already marked is left to KUBE-POSTROUTING; pod to pod inside the cluster CIDR keeps its
     * source; pod to anywhere else (not multicast) is masqueraded, and so is traffic from outside the cluster
     * CIDR to a pod on another node. Apply once per node after {@link #hookRules()}, with
     * {@code iptables-restore --noflush} (a second apply appends the jump again).
     */
    public static String renderPodMasquerade(String podCidrOfNode, String clusterCidr) {
        String node = Ipv4.Cidr.parse(podCidrOfNode).toString();
        String cluster = Ipv4.Cidr.parse(clusterCidr).toString();
        String comment = "-m comment --comment " + IptablesText.quote("netpaths pod masquerade");
        String chain = POD_MASQ_CHAIN;
        IptablesText nat = new IptablesText("nat").chain(chain);
        nat.rule("-A POSTROUTING", comment, "-j", chain);
        nat.rule("-A", chain, "-m mark --mark", MASQ_MARK + "/" + MASQ_MARK, comment, "-j RETURN");
        nat.rule("-A", chain, "-s", node, "-d", cluster, comment, "-j RETURN");
        nat.rule("-A", chain, "-s", cluster, "-d", node, comment, "-j RETURN");
        nat.rule("-A", chain, "!", "-s", cluster, "-d", node, comment, "-j RETURN");
        nat.rule("-A", chain, "-s", cluster, "!", "-d", "224.0.0.0/4", comment, "-j MASQUERADE --random-fully");
        nat.rule("-A", chain, "!", "-s", cluster, "-d", cluster, comment, "-j MASQUERADE --random-fully");
        return nat.toString();
    }
}

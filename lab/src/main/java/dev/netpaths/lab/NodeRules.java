package dev.netpaths.lab;

import dev.netpaths.lab.dataplane.KubeProxyNftRules;
import dev.netpaths.lab.dataplane.KubeProxyRules;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.proc.Sh;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code rules NODE [NS/SERVICE]}: kube-proxy's rules read back from a node of the running lab, with their counters.
 * In iptables mode {@code iptables-save -c} of the nat (and filter) table: with a Service its entry rules and its
 * KUBE-SVC/SVL/EXT/FW/SEP chains ({@link KubeProxyRules}), without it KUBE-SERVICES and KUBE-NODEPORTS. In nftables
 * mode {@code nft list table ip kube-proxy}: the Service's map elements and chains ({@link KubeProxyNftRules}), or the
 * services chain and the maps.
 */
public final class NodeRules {
    /** The blocks shown for a node without a Service in nftables mode, in this order. */
    private static final List<String> NFT_OVERVIEW = List.of("chain services", "map service-ips", "map service-nodeports",
            "map no-endpoint-services", "map no-endpoint-nodeports", "map firewall-ips");

    private NodeRules() {
    }

    /**
     * The text {@code rules} prints for {@code node} (a node of the lab recorded in the state dir, in the proxy mode it
     * recorded). service is {@code NAMESPACE/NAME} or null.
     *
     * @throws LabException when a table cannot be read, or no rule on the node names the Service (naming those that have rules)
     */
    public static String show(ProxyMode mode, LabTargets.Target node, String nodeName, String service) {
        if (mode == ProxyMode.NFTABLES) {
            Sh.Result r = Sh.tryRun(Duration.ofSeconds(20), Sh.inNs(node.netns(), "nft", "list", "table", "ip", "kube-proxy"));
            if (!r.ok()) {
                throw new LabException("nft list table ip kube-proxy in " + node.label() + " failed (exit " + r.exit() + "): " + r.err().strip());
            }
            return nftables(node, nodeName, service, r.out());
        }
        return iptables(node, nodeName, service, table -> {
            Sh.Result r = Sh.tryRun(Duration.ofSeconds(20), Sh.inNs(node.netns(), "iptables-save", "-c", "-t", table));
            if (!r.ok()) {
                throw new LabException("iptables-save -t " + table + " in " + node.label() + " failed (exit " + r.exit() + "): " + r.err().strip());
            }
            return r.out();
        });
    }

    /** iptables mode, from {@code save}: a table's name to its {@code iptables-save -c} text. */
    static String iptables(LabTargets.Target node, String nodeName, String service, UnaryOperator<String> save) {
        String header = "# " + node.label() + ", network namespace " + node.netns() + "; kube-proxy mode iptables;"
                + " [packets:bytes] before each rule (iptables-save -c)\n";
        String nat = save.apply("nat");
        if (service == null) {
            Map<String, List<String>> chains = new LinkedHashMap<>();
            KubeProxyRules.byChain(nat).forEach((c, r) -> {
                if (c.equals("KUBE-SERVICES") || c.equals("KUBE-NODEPORTS")) {
                    chains.put(c, r);
                }
            });
            return header + "## table nat\n" + KubeProxyRules.render(chains)
                    + "# one Service's chains: rules " + nodeName + " NS/SERVICE, with one of: " + String.join(" ", KubeProxyRules.services(nat)) + "\n";
        }
        Map<String, List<String>> natRules = KubeProxyRules.forService(nat, service);
        Map<String, List<String>> filterRules = KubeProxyRules.forService(save.apply("filter"), service);
        if (natRules.isEmpty() && filterRules.isEmpty()) {
            throw new LabException("no kube-proxy rule on " + nodeName + " names " + service + "; Services with rules there: "
                    + String.join(" ", KubeProxyRules.services(nat)));
        }
        return header + "## table nat\n" + KubeProxyRules.render(natRules)
                + (filterRules.isEmpty() ? "" : "## table filter\n" + KubeProxyRules.render(filterRules));
    }

    /** nftables mode, from {@code listing}, the text of {@code nft list table ip kube-proxy} (each rule with the counter the lab adds; kube-proxy writes none). */
    static String nftables(LabTargets.Target node, String nodeName, String service, String listing) {
        String header = "# " + node.label() + ", network namespace " + node.netns() + "; kube-proxy mode nftables (table ip kube-proxy);"
                + " each rule's 'counter packets N bytes M' is the lab's addition (nft list table)\n";
        if (service == null) {
            Map<String, List<String>> blocks = KubeProxyNftRules.blocks(listing);
            Map<String, List<String>> shown = new LinkedHashMap<>();
            NFT_OVERVIEW.stream().filter(blocks::containsKey).forEach(b -> shown.put(b, blocks.get(b)));
            return header + KubeProxyRules.render(shown)
                    + "# one Service's chains: rules " + nodeName + " NS/SERVICE, with one of: " + String.join(" ", KubeProxyNftRules.services(listing)) + "\n";
        }
        Map<String, List<String>> shown = KubeProxyNftRules.forService(listing, service);
        if (shown.isEmpty()) {
            throw new LabException("no kube-proxy chain or map element on " + nodeName + " names " + service + "; Services with chains there: "
                    + String.join(" ", KubeProxyNftRules.services(listing)));
        }
        return header + KubeProxyRules.render(shown);
    }
}

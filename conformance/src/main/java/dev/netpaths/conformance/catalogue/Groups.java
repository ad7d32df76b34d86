package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import java.util.Set;
import java.util.TreeSet;

/**
 * The default of {@code --require}: the groups whose objects exist in the discovered cluster (and, for paths
 * from this host, whose addresses this host can route to). A group here that cannot run at all FAILS: its
 * objects are installed, so "skipped" would hide breakage.
 */
public final class Groups {

    private Groups() {}

    public static Set<String> present(Environment env) {
        Topology t = env.cluster();
        Set<String> groups = new TreeSet<>();
        boolean netpaths = !t.workloads().isEmpty() || t.service("netpaths", "echo").isPresent();
        if (netpaths) {
            groups.add("workloads");
            groups.add("pod-to-pod");
            groups.add("service");
            groups.add("dns");
            groups.add("udp");
            groups.add("networkpolicy");
        }
        if (t.workload("netpaths", "sidecar-demo").isPresent()) {
            groups.add("localhost");
        }
        boolean nodesRoutable = t.nodes().stream().anyMatch(n -> n.internalIp() != null
                && env.host().whyUnroutable(n.internalIp(), 1).isEmpty());
        if (t.service("netpaths", "echo-nodeport").isPresent() && nodesRoutable) {
            groups.add("nodeport");
        }
        if (t.service("netpaths", "echo-lb").isPresent()) {
            groups.add("loadbalancer");
        }
        if (env.peer().isPresent()) {
            groups.add("cross-cluster");
        }
        if (t.ingresses().stream().anyMatch(i -> i.namespace().equals("netpaths")
                && i.hosts().contains(EntryApi.INGRESS.host))) {
            groups.add("ingress");
        }
        if (t.gatewayApi().gateways().stream().anyMatch(g -> g.namespace().equals("netpaths"))) {
            groups.add("gateway");
        }
        if (t.istio().installed() && t.istio().virtualServicePresent()) {
            groups.add("istio");
        }
        return groups;
    }
}

package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import java.util.List;
import java.util.Map;

/**
 * What the NetworkPolicies in a topology allow, pod to pod (ingress only, matchLabels only): the expected
 * truth table, independent of whether the CNI enforces it.
 */
public final class Reachability {

    private Reachability() {}

    /** Whether the policies let {@code source} open a connection to {@code target} on {@code port}/{@code portName}. */
    public static boolean allowed(Topology t, Topology.Pod source, Topology.Pod target, int port, String portName) {
        List<Topology.Policy> selecting = t.networkPolicies().stream()
                .filter(p -> p.namespace().equals(target.namespace()) && p.policyTypes().contains("Ingress"))
                .filter(p -> matches(p.podSelector(), target.labels()))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> p.ingress().stream().map(r -> Map.entry(p, r)))
                .anyMatch(e -> portMatches(e.getValue(), port, portName)
                        && peerMatches(t, e.getKey(), e.getValue(), source));
    }

    private static boolean portMatches(Topology.Rule rule, int port, String portName) {
        return rule.ports().isEmpty() || rule.ports().contains(String.valueOf(port)) || rule.ports().contains(portName);
    }

    private static boolean peerMatches(Topology t, Topology.Policy policy, Topology.Rule rule, Topology.Pod source) {
        if (rule.from().isEmpty()) {
            return true;
        }
        return rule.from().stream().anyMatch(peer -> {
            boolean namespaceOk = peer.namespaceSelector() == null
                    ? source.namespace().equals(policy.namespace())
                    : matches(peer.namespaceSelector(), t.namespaceLabels(source.namespace()));
            boolean podOk = peer.podSelector() == null || matches(peer.podSelector(), source.labels());
            return namespaceOk && podOk;
        });
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}

package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import java.util.List;
import java.util.Map;

/**
 * What the NetworkPolicies in a topology allow, pod to pod: the target's ingress policies and the source's
 * egress policies must both let the connection through (selectors with matchExpressions, ipBlock peers, ports
 * with protocol and endPort). The expected truth table, independent of whether the CNI enforces it.
 */
public final class Reachability {

    private Reachability() {}

    /** Whether the policies let {@code source} open a TCP connection to {@code target} on {@code port}/{@code portName}. */
    public static boolean allowed(Topology t, Topology.Pod source, Topology.Pod target, int port, String portName) {
        return allowed(t, source, target, "TCP", port, portName);
    }

    public static boolean allowed(Topology t, Topology.Pod source, Topology.Pod target, String protocol, int port,
                                  String portName) {
        return side(t, target, "Ingress", source, protocol, port, portName)
                && side(t, source, "Egress", target, protocol, port, portName);
    }

    /** One direction: the policies of {@code subject}'s namespace of this type that select it, against the peer. */
    private static boolean side(Topology t, Topology.Pod subject, String type, Topology.Pod other, String protocol,
                                int port, String portName) {
        List<Topology.Policy> selecting = t.networkPolicies().stream()
                .filter(p -> p.namespace().equals(subject.namespace()) && p.policyTypes().contains(type))
                .filter(p -> p.podSelector().matches(subject.labels()))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> ("Ingress".equals(type) ? p.ingress() : p.egress()).stream()
                        .map(r -> Map.entry(p, r)))
                .anyMatch(e -> portMatches(e.getValue(), protocol, port, portName)
                        && peerMatches(t, e.getKey(), e.getValue(), other));
    }

    private static boolean portMatches(Topology.Rule rule, String protocol, int port, String portName) {
        return rule.ports().isEmpty() || rule.ports().stream().anyMatch(p -> p.protocol().equalsIgnoreCase(protocol)
                && (p.port() == null || p.port().equals(portName) || inRange(p, port)));
    }

    private static boolean inRange(Topology.PolicyPort p, int port) {
        if (!p.port().matches("[0-9]+")) {
            return false;
        }
        int first = Integer.parseInt(p.port());
        return port >= first && port <= (p.endPort() == null ? first : p.endPort());
    }

    private static boolean peerMatches(Topology t, Topology.Policy policy, Topology.Rule rule, Topology.Pod other) {
        if (rule.peers().isEmpty()) {
            return true;
        }
        return rule.peers().stream().anyMatch(peer -> {
            if (peer.cidr() != null) {
                return other.ip() != null && Cidrs.contains(peer.cidr(), other.ip())
                        && peer.except().stream().noneMatch(x -> Cidrs.contains(x, other.ip()));
            }
            boolean namespaceOk = peer.namespaceSelector() == null
                    ? other.namespace().equals(policy.namespace())
                    : peer.namespaceSelector().matches(t.namespaceLabels(other.namespace()));
            boolean podOk = peer.podSelector() == null || peer.podSelector().matches(other.labels());
            return namespaceOk && podOk;
        });
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return Topology.Selector.labels(selector).matches(labels);
    }
}

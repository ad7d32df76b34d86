package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.probe.Served;
import java.util.ArrayList;
import java.util.List;

/**
 * Who must answer; a null field is "any". {@code service} is echo-service's own name (SERVICE_NAME).
 * {@code podsIn}, when not empty, pins the answer to pods discovery found, as {@code name@podIP} (e.g. cluster
 * B's echo pods, so a self-reported cluster name alone never proves which cluster answered).
 */
public record Backend(String service, String namespace, String version, String cluster, String pod, String node,
                      java.util.Set<String> podsIn) {

    public Backend(String service, String namespace, String version, String cluster, String pod, String node) {
        this(service, namespace, version, cluster, pod, node, java.util.Set.of());
    }

    public static Backend echo(String namespace, String version) {
        return new Backend("echo-service", namespace, version, null, null, null);
    }

    public Backend pod(String name) {
        return new Backend(service, namespace, version, cluster, name, node, podsIn);
    }

    public Backend node(String name) {
        return new Backend(service, namespace, version, cluster, pod, name, podsIn);
    }

    public Backend cluster(String name) {
        return new Backend(service, namespace, version, name, pod, node, podsIn);
    }

    public Backend podsIn(java.util.Collection<String> names) {
        return new Backend(service, namespace, version, cluster, pod, node, java.util.Set.copyOf(names));
    }

    public boolean matches(Served s) {
        return s != null && same(service, s.service()) && same(namespace, s.namespace())
                && same(version, s.version()) && same(cluster, s.cluster()) && same(pod, s.pod())
                && same(node, s.node()) && (podsIn.isEmpty() || podsIn.contains(s.pod() + "@" + s.podIp()));
    }

    private static boolean same(String expected, String actual) {
        return expected == null || expected.equals(actual);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        add(parts, "pod", pod);
        add(parts, "namespace", namespace);
        add(parts, "version", version);
        add(parts, "node", node);
        add(parts, "cluster", cluster);
        if (!podsIn.isEmpty()) {
            parts.add("one of " + new java.util.TreeSet<>(podsIn));
        }
        return (service == null ? "any" : service) + (parts.isEmpty() ? "" : " " + parts);
    }

    private static void add(List<String> parts, String name, String value) {
        if (value != null) {
            parts.add(name + "=" + value);
        }
    }

    static String describe(Served s) {
        return s == null ? "a non-echo answer"
                : s.pod() + " (" + s.namespace() + ", " + s.version() + ", node " + s.node() + ", cluster "
                        + s.cluster() + ")";
    }
}

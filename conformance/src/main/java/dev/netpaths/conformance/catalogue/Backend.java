package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.probe.Served;
import java.util.ArrayList;
import java.util.List;

/** Who must answer; a null field is "any". {@code service} is echo-service's own name (SERVICE_NAME). */
public record Backend(String service, String namespace, String version, String cluster, String pod, String node) {

    public static Backend echo(String namespace, String version) {
        return new Backend("echo-service", namespace, version, null, null, null);
    }

    public Backend pod(String name) {
        return new Backend(service, namespace, version, cluster, name, node);
    }

    public Backend node(String name) {
        return new Backend(service, namespace, version, cluster, pod, name);
    }

    public Backend cluster(String name) {
        return new Backend(service, namespace, version, name, pod, node);
    }

    public boolean matches(Served s) {
        return s != null && same(service, s.service()) && same(namespace, s.namespace())
                && same(version, s.version()) && same(cluster, s.cluster()) && same(pod, s.pod())
                && same(node, s.node());
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

package dev.netpaths.lab.live;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.pod.PodStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code get pods|svc|endpointslices [-o wide]} from a lab's cluster.yaml, in kubectl's columns (kubectl's printers,
 * kubernetes/kubernetes {@code pkg/printers/internalversion/printers.go}): a pod being deleted shows
 * {@code Terminating}, and an EndpointSlice's endpoints show their ready/serving/terminating conditions with
 * {@code -o wide} (kubectl shows them only in {@code describe}; the lab puts them where a rollout can be watched).
 */
public final class Get {
    private Get() {
    }

    public static List<String> lines(Path clusterYaml, String kind, String namespace, boolean wide) {
        return lines(clusterYaml, kind, namespace, wide, p -> List.of());
    }

    /**
     * @param exited a pod's containers whose process exited since the last verb (nothing restarted them yet): such a
     *               pod shows READY 0/N and STATUS Error, as kubectl does before kubelet restarts the container
     */
    public static List<String> lines(Path clusterYaml, String kind, String namespace, boolean wide,
                                     java.util.function.Function<Pod, List<String>> exited) {
        List<HasMetadata> items;
        try {
            items = Serialization.unmarshal(Files.readString(clusterYaml), KubernetesList.class).getItems();
        } catch (IOException e) {
            throw new LabException("no running lab: cannot read " + clusterYaml + " (" + e.getMessage() + ")");
        }
        boolean all = namespace == null;
        List<String> out = new ArrayList<>();
        switch (kind) {
            case "pods", "pod", "po" -> {
                out.add(row(all, "NAMESPACE", "%-46s %-6s %-12s %-9s %-7s" + (wide ? " %-12s %s" : ""),
                        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"));
                for (Pod p : of(items, Pod.class, namespace)) {
                    int containers = p.getSpec().getContainers().size();
                    boolean dead = !exited.apply(p).isEmpty();
                    out.add(row(all, p.getMetadata().getNamespace(), "%-46s %-6s %-12s %-9s %-7s" + (wide ? " %-12s %s" : ""),
                            p.getMetadata().getName(), (PodStatus.isReady(p) && !dead ? containers : 0) + "/" + containers,
                            p.getMetadata().getDeletionTimestamp() != null ? "Terminating" : dead ? "Error" : p.getStatus().getPhase(),
                            PodStatus.restartCount(p), age(p.getStatus().getStartTime()),
                            Optional.ofNullable(p.getStatus().getPodIP()).orElse("<none>"), p.getSpec().getNodeName()));
                }
            }
            case "services", "service", "svc" -> {
                out.add(row(all, "NAMESPACE", "%-26s %-13s %-12s %-15s %-30s" + (wide ? " %s" : ""),
                        "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR"));
                for (Service s : of(items, Service.class, namespace)) {
                    String external = Optional.ofNullable(s.getStatus()).map(st -> st.getLoadBalancer()).map(lb -> lb.getIngress())
                            .filter(l -> !l.isEmpty()).map(l -> l.get(0).getIp())
                            .orElse("LoadBalancer".equals(s.getSpec().getType()) ? "<pending>" : "<none>");
                    String ports = Optional.ofNullable(s.getSpec().getPorts()).orElse(List.of()).stream()
                            .map(p -> p.getPort() + (p.getNodePort() != null ? ":" + p.getNodePort() : "") + "/" + p.getProtocol())
                            .collect(Collectors.joining(","));
                    String selector = Optional.ofNullable(s.getSpec().getSelector()).map(m -> m.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(","))).orElse("<none>");
                    out.add(row(all, s.getMetadata().getNamespace(), "%-26s %-13s %-12s %-15s %-30s" + (wide ? " %s" : ""),
                            s.getMetadata().getName(), s.getSpec().getType(), s.getSpec().getClusterIP(), external,
                            ports.isEmpty() ? "<none>" : ports, selector));
                }
            }
            case "endpointslices", "endpointslice" -> {
                out.add(row(all, "NAMESPACE", "%-30s %-12s %-12s %s", "NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS"));
                for (EndpointSlice s : of(items, EndpointSlice.class, namespace)) {
                    String ports = Optional.ofNullable(s.getPorts()).orElse(List.of()).stream().map(p -> String.valueOf(p.getPort()))
                            .collect(Collectors.joining(","));
                    String endpoints = s.getEndpoints().stream().map(e -> e.getAddresses().get(0) + (wide ? conditions(e) : ""))
                            .collect(Collectors.joining(","));
                    out.add(row(all, s.getMetadata().getNamespace(), "%-30s %-12s %-12s %s", s.getMetadata().getName(),
                            s.getAddressType(), ports.isEmpty() ? "<unset>" : ports, endpoints.isEmpty() ? "<unset>" : endpoints));
                }
            }
            default -> throw new LabException("the server doesn't have a resource type \"" + kind
                    + "\" (the lab shows pods, svc, endpointslices)");
        }
        return out;
    }

    public static void print(Path clusterYaml, String kind, String namespace, boolean wide,
                             java.util.function.Function<Pod, List<String>> exited, PrintStream out) {
        lines(clusterYaml, kind, namespace, wide, exited).forEach(l -> out.println(l.stripTrailing()));
    }

    private static String conditions(Endpoint e) {
        var c = e.getConditions();
        List<String> on = new ArrayList<>();
        if (c == null || !Boolean.FALSE.equals(c.getReady())) {
            on.add("ready");
        }
        if (c != null && Boolean.TRUE.equals(c.getServing())) {
            on.add("serving");
        }
        if (c != null && Boolean.TRUE.equals(c.getTerminating())) {
            on.add("terminating");
        }
        return "(" + String.join(" ", on) + ")";
    }

    private static String row(boolean all, String namespace, String format, Object... cells) {
        return (all ? String.format("%-22s ", namespace) : "") + String.format(format, cells);
    }

    private static <T extends HasMetadata> List<T> of(List<HasMetadata> items, Class<T> type, String namespace) {
        return items.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> namespace == null || namespace.equals(o.getMetadata().getNamespace())).toList();
    }

    /** kubectl's short age: 45s, 3m12s, 2h5m. */
    static String age(String since) {
        if (since == null) {
            return "<unknown>";
        }
        long s = Duration.between(Instant.parse(since), Instant.now()).toSeconds();
        return s < 120 ? s + "s" : s < 3600 ? s / 60 + "m" + (s % 60 > 0 ? s % 60 + "s" : "") : s / 3600 + "h" + s % 3600 / 60 + "m";
    }
}

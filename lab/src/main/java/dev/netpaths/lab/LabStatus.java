package dev.netpaths.lab;

import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.state.Entry;
import dev.netpaths.lab.state.Journal;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;

import dev.netpaths.lab.pod.PodRunner;
import dev.netpaths.lab.pod.PodStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code status}: nodes, pods, Services with endpoints and the entry points, from cluster.yaml and the journal. */
public final class LabStatus {
    private LabStatus() {
    }

    /** Prints the lab; returns false when there is none. */
    public static boolean print(Path stateDir, PrintStream out) {
        Optional<LabConfig> cfg = LabConfig.read(stateDir);
        if (cfg.isEmpty()) {
            out.println("no lab in " + stateDir + " (start one with `scripts/lab/lab.sh up`)");
            return false;
        }
        List<Entry.Proc> procs = new Journal(stateDir).read().stream().filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList();
        out.printf("lab: cni %s, prefix %s, state %s%n", cfg.get().cni().id(), cfg.get().prefix(), stateDir);
        List<AddressPlan.ClusterPlan> plan = AddressPlan.plan(cfg.get().prefix(), cfg.get().cni(), cfg.get().nodes(), cfg.get().clusters());
        for (AddressPlan.ClusterPlan clusterPlan : plan) {
            String cluster = clusterPlan.name();
            Path yaml = stateDir.resolve(cluster).resolve("cluster.yaml");
            if (!Files.exists(yaml)) {
                out.println("\n" + cluster + ": not up yet (no " + yaml + ")");
                continue;
            }
            List<HasMetadata> items;
            try {
                items = Serialization.unmarshal(Files.readString(yaml), KubernetesList.class).getItems();
            } catch (IOException e) {
                throw new LabException("cannot read " + yaml + ": " + e.getMessage(), e);
            }
            printCluster(cluster, items, procs, clusterPlan, cfg.get().prefix(), out);
        }
        return true;
    }

    private static void printCluster(String cluster, List<HasMetadata> items, List<Entry.Proc> procs,
                                     AddressPlan.ClusterPlan plan, String prefix, PrintStream out) {
        out.printf("%nCluster %s (host namespace %s)%n%nNODES%n", cluster, AddressPlan.hostNs(prefix));
        out.printf("  %-28s %-14s %-16s %s%n", "NAME", "INTERNAL-IP", "POD-CIDR", "NETNS");
        of(items, Node.class).forEach(n -> out.printf("  %-28s %-14s %-16s %s%n", n.getMetadata().getName(),
                n.getStatus().getAddresses().get(0).getAddress(), n.getSpec().getPodCIDR(),
                plan.nodes().stream().filter(np -> np.name().equals(n.getMetadata().getName())).map(AddressPlan.NodePlan::netns).findFirst().orElse("-")));

        out.printf("%nPODS%n  %-62s %-24s %-14s %-6s %-8s %-11s %s%n", "NAMESPACE/NAME", "NODE", "IP", "READY", "RESTARTS", "PROCESSES", "NETNS");
        of(items, Pod.class).forEach(p -> {
            String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
            String netns = PodRunner.podNetns(prefix, plan, p);
            List<Entry.Proc> mine = procs.stream().filter(e -> e.ofPod(key, netns)).toList();
            // restarted stand-ins (dnsmasq on new records) leave their ended predecessors in the journal: count live ones
            long alive = mine.stream().filter(e -> Procs.alive(e.pid(), e.startTime())).count();
            List<String> exited = exitedSinceLastVerb(p, netns, procs);
            out.printf("  %-62s %-24s %-14s %-6s %-8s %-11s %s%n", key, p.getSpec().getNodeName(), p.getStatus().getPodIP(),
                    PodStatus.isReady(p) && exited.isEmpty() ? "True" : "False", PodStatus.restartCount(p),
                    alive + " running" + (exited.isEmpty() ? "" : ", exited: " + String.join(",", exited)), netns);
        });
        out.println("  (READY and RESTARTS as the last verb recorded them, READY False for a pod whose container exited since:"
                + " no daemon watches the pods, the next verb that changes the lab restarts it; PROCESSES is live;"
                + " `scripts/lab/lab.sh exec NAME -- CMD` runs CMD in a pod's NETNS, a node's or host's)");

        List<EndpointSlice> slices = of(items, EndpointSlice.class);
        out.printf("%nSERVICES%n  %-48s %-12s %-14s %-30s %-16s %s%n", "NAMESPACE/NAME", "TYPE", "CLUSTER-IP", "PORTS", "EXTERNAL-IP", "ENDPOINTS");
        of(items, Service.class).forEach(s -> out.printf("  %-48s %-12s %-14s %-30s %-16s %s%n",
                s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s.getSpec().getType(),
                Objects.requireNonNullElse(s.getSpec().getClusterIP(), "-"), ports(s), lbIp(s).orElse("-"), endpoints(s, slices)));

        out.printf("%nENTRY POINTS (lab stand-ins: nginx configured from the same objects the real controllers read)%n");
        for (ClusterAddons.Addon a : ClusterAddons.Addon.values()) {
            of(items, Service.class).stream().filter(s -> a.namespace().equals(s.getMetadata().getNamespace()) && a.serviceName().equals(s.getMetadata().getName()))
                    .forEach(s -> out.printf("  %-14s %-26s <- %s/%s (%s)%n", a.name().toLowerCase().replace('_', '-'),
                            a == ClusterAddons.Addon.DNS ? s.getSpec().getClusterIP() + ":53" : "http://" + lbIp(s).orElse(s.getSpec().getClusterIP()) + "/",
                            a.namespace(), a.serviceName(),
                            a == ClusterAddons.Addon.DNS ? "dnsmasq, stands in for CoreDNS" : "nginx, stands in for " + a.image()));
        }
    }

    /**
     * The containers of a running pod whose process has exited since the last verb: those whose newest journal entry
     * (for the pod's sandbox) is a process that is gone. Nothing watches the pods between verbs: {@code get} and
     * {@code status} show such a pod not ready, and the next verb that changes the lab restarts it (docs/lab/live.md).
     */
    public static List<String> exitedSinceLastVerb(Pod p, String netns, List<Entry.Proc> procs) {
        if (p.getStatus() == null || !"Running".equals(p.getStatus().getPhase()) || p.getMetadata().getDeletionTimestamp() != null) {
            return List.of();
        }
        String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
        java.util.Map<String, Entry.Proc> newest = new java.util.TreeMap<>();
        // the journal is in start order: a restart's entry replaces its predecessor's
        procs.stream().filter(e -> e.ofPod(key, netns)).forEach(e -> newest.put(e.container(key), e));
        return newest.entrySet().stream().filter(e -> !Procs.alive(e.getValue().pid(), e.getValue().startTime()))
                .map(java.util.Map.Entry::getKey).toList();
    }

    /** {@link #exitedSinceLastVerb} for the pods of one cluster of the lab in stateDir (none when no lab is recorded). */
    public static java.util.function.Function<Pod, List<String>> exits(Path stateDir, String cluster) {
        Optional<LabConfig> cfg = LabConfig.read(stateDir);
        Optional<AddressPlan.ClusterPlan> plan = cfg.flatMap(c -> AddressPlan.plan(c.prefix(), c.cni(), c.nodes(), c.clusters()).stream()
                .filter(pl -> pl.name().equals(cluster)).findFirst());
        if (plan.isEmpty()) {
            return p -> List.of();
        }
        List<Entry.Proc> procs = new Journal(stateDir).read().stream().filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList();
        return p -> exitedSinceLastVerb(p, PodRunner.podNetns(cfg.get().prefix(), plan.get(), p), procs);
    }

    private static String ports(Service s) {
        return Optional.ofNullable(s.getSpec().getPorts()).orElse(List.of()).stream()
                .map(p -> p.getPort() + (p.getNodePort() != null ? ":" + p.getNodePort() : "") + "/" + p.getProtocol())
                .collect(Collectors.joining(","));
    }

    private static Optional<String> lbIp(Service s) {
        return Optional.ofNullable(s.getStatus()).map(st -> st.getLoadBalancer()).map(lb -> lb.getIngress())
                .filter(l -> !l.isEmpty()).map(l -> l.get(0).getIp());
    }

    private static String endpoints(Service s, List<EndpointSlice> slices) {
        String eps = slices.stream().filter(sl -> sl.getMetadata().getNamespace().equals(s.getMetadata().getNamespace())
                        && s.getMetadata().getName().equals(sl.getMetadata().getLabels().get("kubernetes.io/service-name")))
                .flatMap(sl -> sl.getEndpoints().stream()
                        .filter(e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
                        .flatMap(e -> e.getAddresses().stream()
                                .map(a -> a + ":" + sl.getPorts().stream().map(p -> String.valueOf(p.getPort())).collect(Collectors.joining("/")))))
                .collect(Collectors.joining(","));
        return eps.isEmpty() ? "<none>" : eps;
    }

    private static <T> List<T> of(List<HasMetadata> items, Class<T> type) {
        return items.stream().filter(type::isInstance).map(type::cast).toList();
    }
}

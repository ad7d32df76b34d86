package dev.netpaths.lab;

import io.fabric8.kubernetes.api.model.Service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.netpaths.lab.addons.AddOn;
import dev.netpaths.lab.addons.AddOn.Announcement;
import dev.netpaths.lab.addons.ClusterAddons.Addon;
import dev.netpaths.lab.addons.NginxPaths;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.net.Netns;
import dev.netpaths.lab.pod.DnsmasqPod;
import dev.netpaths.lab.pod.PodRunner;
import dev.netpaths.lab.pod.PodStatus;
import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Launcher.Started;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.rootless.UserNamespaces;

/**
 * Runs one cluster's {@link AddOn}s in the lab: each add-on pod's stand-in process (dnsmasq or nginx) started with the
 * configuration the add-on renders and reloaded with SIGHUP when it changes, its readiness, the status each writes
 * back, and MetalLB's L2 announcements applied to the nodes (proxy neighbour + a route to lo, so the node accepts the
 * address).
 */
final class AddOnRuntime {
    private final List<AddOn> addOns;
    private final Path dir;
    private final Launcher launcher;
    private final java.util.function.Function<String, NodePlan> nodes;
    private boolean dryRun;
    private final Map<String, String> applied = new HashMap<>();
    private final Map<String, String> announcedBy = new HashMap<>();

    AddOnRuntime(List<AddOn> addOns, Path dir, Launcher launcher, java.util.function.Function<String, NodePlan> nodes) {
        this.addOns = addOns;
        this.dir = dir;
        this.launcher = launcher;
        this.nodes = nodes;
    }

    /** The add-on the pod stands in for. */
    private AddOn of(Addon id) {
        return addOns.stream().filter(a -> a.pod().equals(Optional.of(id))).findFirst()
                .orElseThrow(() -> new LabException("no add-on " + id + " in this cluster"));
    }

    /**
     * Every add-on pod's process brought in line with the cluster, then the L2 announcements. A stand-in that was
     * started and has exited is left as it is: restarting it is kubelet's ({@link #restart}, with its restart count),
     * not a config reload's.
     */
    void sync(List<RunningPod> running, AddOn.Cluster cluster) {
        for (RunningPod p : running) {
            if (exited(p)) {
                continue;
            }
            p.addon().ifPresent(id -> {
                AddOn a = of(id);
                sync(p, id, a.render(cluster, a.standIn() == AddOn.StandIn.NGINX ? paths(p, id) : null));
            });
        }
        if (dryRun) {
            return;
        }
        for (AddOn a : addOns) {
            announce(a.announcements(cluster));
        }
    }

    /** Whether a stand-in process of this add-on pod was started and has exited since. */
    static boolean exited(RunningPod p) {
        return p.addon().isPresent() && p.processes().values().stream().anyMatch(s -> !Procs.alive(s.pid(), s.startTime()));
    }

    /**
     * kubelet's restart of an add-on pod's container: its stand-in processes started again (what is left of them
     * first stopped) with the configuration the add-on renders for the cluster now.
     */
    void restart(RunningPod p, AddOn.Cluster cluster) {
        Addon id = p.addon().orElseThrow();
        AddOn a = of(id);
        List<Started> left = List.copyOf(p.processes().values());
        left.forEach(Launcher::stop);
        p.processes().clear();
        // a container's restart ends every process in it: nginx's workers outlive a master killed with SIGKILL and
        // keep its ports; the pod's network namespace holds the stand-in's processes only
        for (long pid : Procs.inNamespace(p.netns())) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                try {
                    h.onExit().get(3, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception slow) {
                    // gone or still going: the new stand-in reports a port it cannot bind
                }
            });
        }
        applied.remove(a.standIn() == AddOn.StandIn.DNSMASQ ? "dns" : "nginx " + id);
        sync(p, id, a.render(cluster, a.standIn() == AddOn.StandIn.NGINX ? paths(p, id) : null));
    }

    /** The status each add-on writes back, for those whose Service has an address. */
    void writeStatus(AddOn.Cluster cluster) {
        for (AddOn a : addOns) {
            a.pod().flatMap(id -> lbAddress(cluster.services(), id)).ifPresent(ip -> a.writeStatus(cluster, ip));
        }
    }

    static Optional<String> lbAddress(List<Service> services, Addon a) {
        return services.stream().filter(s -> a.namespace().equals(s.getMetadata().getNamespace()) && a.serviceName().equals(s.getMetadata().getName()))
                .flatMap(s -> Optional.ofNullable(s.getStatus()).map(st -> st.getLoadBalancer()).map(lb -> lb.getIngress()).orElse(List.of()).stream())
                .map(i -> i.getIp()).findFirst();
    }

    private NginxPaths paths(RunningPod p, Addon a) {
        return new NginxPaths(dir.resolve("nginx").resolve(a.name().toLowerCase()).toString(), containerPorts(p));
    }

    private void sync(RunningPod p, Addon a, String config) {
        switch (of(a).standIn()) {
            case DNSMASQ -> {
                // --user=root: dnsmasq re-reads its hosts and servers files on SIGHUP after it dropped privileges, and the
                // state dir need not be readable by nobody
                List<String> args = new ArrayList<>(List.of("dnsmasq", "--log-facility=-", "--user=root"));
                if (UserNamespaces.insidePartialMapping()) {
                    // rootless: the default group dip means a setgroups call, which an unprivileged user namespace forbids
                    args.add("--group=");
                }
                args.addAll(config.lines().toList());
                // a record change is a file write and a SIGHUP, never a restart that would refuse queries meanwhile
                applyIfChanged("dns", String.join("\n", args), t -> {
                    if (DnsmasqPod.sync(p, args, dir.resolve("dns"), dir.resolve("logs"), launcher) == DnsmasqPod.Change.STARTED
                            && p.failure() == null) {
                        PodStatus.running(p.pod(), p.ready());
                    }
                });
            }
            case NGINX -> {
                Path prefix = Path.of(paths(p, a).prefix());
                applyIfChanged("nginx " + a, config, t -> {
                    ClusterRuntime.write(prefix.resolve("nginx.conf"), t);
                    Started s = p.processes().get("nginx");
                    if (s != null && Procs.alive(s.pid(), s.startTime())) {
                        ProcessHandle.of(s.pid()).ifPresent(h -> Sh.run("kill", "-HUP", Long.toString(h.pid())));
                    } else {
                        p.processes().put("nginx", launcher.start(p.netns(), List.of(), List.of("nginx", "-p", prefix + "/",
                                "-c", prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString()),
                                dir.resolve("logs/" + a.name().toLowerCase() + ".log"), p.key() + " nginx"));
                        if (p.failure() == null) {
                            PodStatus.running(p.pod(), p.ready());
                        }
                    }
                });
            }
        }
    }

    /** The ports the add-on's container declares (nginx listens on each). */
    private static List<Integer> containerPorts(RunningPod p) {
        return p.pod().getSpec().getContainers().get(0).getPorts().stream().map(c -> c.getContainerPort()).toList();
    }

    /** The stand-ins are ready when their process runs and (nginx) answers HTTP on its first port. */
    boolean ready(RunningPod p) {
        Addon a = p.addon().orElseThrow();
        boolean dnsmasq = of(a).standIn() == AddOn.StandIn.DNSMASQ;
        p.processes().forEach((name, s) -> {
            if (!Procs.alive(s.pid(), s.startTime())) {
                Path logFile = dir.resolve("logs/" + (dnsmasq ? "dnsmasq" : a.name().toLowerCase()) + ".log");
                throw new LabException(name + " exited; last lines of " + logFile + ":\n" + PodRunner.tail(logFile));
            }
        });
        return dnsmasq || PodRunner.httpStatus(p.node().netns(), "http://" + p.ip() + ":" + containerPorts(p).get(0) + "/") > 0;
    }

    /** MetalLB L2: the elected node answers ARP for the VIP (proxy neighbour + a route to lo so it accepts it). */
    private void announce(List<Announcement> announcements) {
        for (Announcement an : announcements) {
            String vip = an.address();
            String node = an.node();
            String was = announcedBy.get(vip);
            if (Objects.equals(node, was)) {
                continue;
            }
            if (was != null) {
                NodePlan old = nodes.apply(was);
                Sh.tryRun(java.time.Duration.ofSeconds(5), "ip", "-n", old.netns(), "neigh", "del", "proxy", vip, "dev", "eth0");
                Sh.tryRun(java.time.Duration.ofSeconds(5), "ip", "-n", old.netns(), "route", "del", vip + "/32", "dev", "lo");
                announcedBy.remove(vip);
            }
            if (node != null) {
                NodePlan n = nodes.apply(node);
                Netns.ip(n.netns(), "neigh", "replace", "proxy", vip, "dev", "eth0");
                Netns.ip(n.netns(), "route", "replace", vip + "/32", "dev", "lo");
                announcedBy.put(vip, node);
            }
        }
    }

    /** While on, {@link #sync} renders every config and applies none ({@link ClusterRuntime#check()}). */
    void dryRun(boolean on) {
        dryRun = on;
    }

    private void applyIfChanged(String what, String text, java.util.function.Consumer<String> apply) {
        if (!dryRun && !text.equals(applied.get(what))) {
            apply.accept(text);
            applied.put(what, text);
        }
    }
}

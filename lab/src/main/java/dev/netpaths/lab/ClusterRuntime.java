package dev.netpaths.lab;

import dev.netpaths.lab.control.CalicoNat;
import dev.netpaths.lab.control.ClusterAddons;
import dev.netpaths.lab.control.ClusterAddons.Addon;
import dev.netpaths.lab.control.ClusterDns;
import dev.netpaths.lab.control.EndpointsController;
import dev.netpaths.lab.control.GatewayNginx;
import dev.netpaths.lab.control.IngressNginx;
import dev.netpaths.lab.control.IstioNginx;
import dev.netpaths.lab.control.KubeProxy;
import dev.netpaths.lab.control.KubeProxyNft;
import dev.netpaths.lab.control.Manifests;
import dev.netpaths.lab.control.MetalLb;
import dev.netpaths.lab.control.NetworkPolicies;
import dev.netpaths.lab.control.NginxPaths;
import dev.netpaths.lab.control.ProxyMode;
import dev.netpaths.lab.control.ServiceAllocator;
import dev.netpaths.lab.control.Workloads;
import dev.netpaths.lab.live.TerminatingEndpoints;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.net.Calico;
import dev.netpaths.lab.net.CniKind;
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
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One cluster of the lab, run as its controllers would: the API objects (with the status the lab keeps), the pods
 * wired and started, and {@link #sync()}, which is what kube-proxy, the EndpointSlice controller, CoreDNS, MetalLB's
 * speaker and the entry-point controllers do on every change.
 */
public final class ClusterRuntime {
    private final ClusterPlan plan;
    private final Path dir;
    private final Launcher launcher;
    private final Consumer<String> log;
    private final PodRunner runner;
    private final List<HasMetadata> objects;
    private final List<Node> nodes;
    private final List<Namespace> namespaces;
    private final List<Service> services;
    private final List<Pod> pods;
    private final List<GenericKubernetesResource> metallb;
    private final IngressNginx.Controller ingress;
    private final Calico.Mode calicoMode;
    private final List<RunningPod> running = new ArrayList<>();
    private List<EndpointSlice> slices = List.of();
    private final Map<String, String> appliedConfig = new HashMap<>();
    private final Map<String, String> announcedBy = new HashMap<>();
    private final ProxyMode proxyMode;
    /** nftables mode: per node, the kube-proxy table last applied (the next sync deletes what it no longer has). */
    private final Map<String, KubeProxyNft.Ruleset> appliedNft = new HashMap<>();

    /**
     * Admits the objects as the API server and controllers would: add-ons, Namespaces, pods (scheduled), Service
     * addresses and LoadBalancer IPs.
     */
    public ClusterRuntime(ClusterPlan plan, Path dir, ProxyMode proxyMode, String manifestYaml, Launcher launcher,
                          Function<List<HasMetadata>, PodRunner> runnerFor, Consumer<String> log) {
        this.plan = plan;
        this.proxyMode = proxyMode;
        this.dir = dir;
        this.launcher = launcher;
        this.log = log;
        List<HasMetadata> parsed = new ArrayList<>(Manifests.parse(manifestYaml));
        try {
            // INGRESS as scripts/cluster/addons.sh reads it: nginx (F5 NGINX Ingress Controller, default) or ingress-nginx
            this.ingress = IngressNginx.Controller.fromSetting(System.getenv("INGRESS"));
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
        // LAB_CALICO as scripts/cluster reads CALICO_ENCAP: vxlan (default) or bgp (CALICO_ENCAP=none)
        this.calicoMode = plan.cni() == CniKind.CALICO ? Calico.Mode.fromEnvironment() : null;
        parsed.addAll(ClusterAddons.addons(AddressPlan.DNS_IP, ingress, parsed));
        ClusterIdentity.apply(parsed, plan);
        this.nodes = LabObjects.nodes(plan);
        this.namespaces = ClusterAddons.namespaces(parsed);
        this.services = Manifests.ofType(parsed, Service.class);
        ServiceAllocator.admit(services, AddressPlan.SERVICE_CIDR, AddressPlan.DNS_IP);
        this.metallb = ClusterIdentity.metallb(Manifests.ofType(parsed, GenericKubernetesResource.class), plan);
        MetalLb.assign(services, metallb);
        this.pods = new ArrayList<>(Workloads.expand(parsed, nodes));
        this.objects = parsed;
        this.runner = runnerFor.apply(parsed);
    }

    public ClusterPlan plan() {
        return plan;
    }

    public List<RunningPod> pods() {
        return running;
    }

    /**
     * Sandboxes for every pod, then every JVM at once. The nodes are wired in parallel, but each node's pods one
     * after another in the plan's order: the node's IPAM hands out addresses in the order of its CNI ADDs, so every
     * `up` gives each pod the same address (the workshop's pages show them; scripts/test/workshop.sh checks them).
     */
    public void startPods(String prefix, ExecutorService pool) {
        Map<String, List<Pod>> byNode = new LinkedHashMap<>();
        pods.forEach(p -> byNode.computeIfAbsent(p.getSpec().getNodeName(), n -> new ArrayList<>()).add(p));
        List<Callable<List<RunningPod>>> wiring = byNode.entrySet().stream().<Callable<List<RunningPod>>>map(e -> () -> {
            List<RunningPod> wired = new ArrayList<>();
            for (Pod p : e.getValue()) {
                if (p.getStatus() == null) {
                    p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
                }
                p.getStatus().setPhase("Pending");
                wired.add(runner.wire(p, node(e.getKey()), PodRunner.podNetns(prefix, plan, p)));
            }
            return wired;
        }).toList();
        Map<Pod, RunningPod> wiredByPod = new java.util.IdentityHashMap<>();
        List<List<RunningPod>> wired = all(pool, wiring);
        List<List<Pod>> planned = List.copyOf(byNode.values());
        for (int i = 0; i < planned.size(); i++) {
            for (int j = 0; j < planned.get(i).size(); j++) {
                wiredByPod.put(planned.get(i).get(j), wired.get(i).get(j));
            }
        }
        pods.forEach(p -> running.add(wiredByPod.get(p)));
        for (NodePlan n : plan.nodes()) {
            // kube-proxy and the CNI agent link their chains into the built-in ones once, at start
            if (proxyMode == ProxyMode.IPTABLES) {
                restore(n, KubeProxy.hookRules());
            }
            restore(n, podNat(n));
            if (plan.cni().enforcesPolicy()) {
                restore(n, NetworkPolicies.hookRules());
            }
        }
        all(pool, running.stream().filter(p -> p.addon().isEmpty()).<Callable<RunningPod>>map(p -> () -> {
            runner.startContainers(p);
            return p;
        }).toList());
    }

    /** The CNI agent's NAT on a node: Calico's natOutgoing (felix), or Flannel's/Weave's pod masquerade. */
    private String podNat(NodePlan n) {
        if (plan.cni() == CniKind.CALICO) {
            return CalicoNat.render(plan.clusterCidr(), calicoMode == Calico.Mode.VXLAN ? Calico.VXLAN_DEVICE : null);
        }
        return KubeProxy.renderPodMasquerade(n.podRange(), plan.clusterCidr());
    }

    /**
     * One round of readiness probes over the pods not yet ready; returns whether any pod became ready. A pod whose
     * container exited is marked failed (reported with the end of its log) and stays not ready, as on a cluster.
     */
    public boolean probe(ExecutorService pool) {
        List<Callable<Boolean>> checks = running.stream().filter(p -> !p.ready() && p.failure() == null && !p.processes().isEmpty())
                .<Callable<Boolean>>map(p -> () -> {
                    try {
                        boolean ready = p.addon().isPresent() ? addonReady(p) : runner.probe(p);
                        if (ready) {
                            p.ready(true);
                            PodStatus.running(p.pod(), true);
                        }
                        return ready;
                    } catch (LabException e) {
                        p.failed(e.getMessage());
                        // cluster.yaml says so honestly: which containers exited and why, not "running, not ready"
                        List<String> exited = p.processes().entrySet().stream()
                                .filter(en -> !Procs.alive(en.getValue().pid(), en.getValue().startTime())).map(java.util.Map.Entry::getKey).toList();
                        PodStatus.failed(p.pod(), exited, e.getMessage());
                        log.accept("pod " + p.key() + " failed: " + e.getMessage());
                        return false;
                    }
                }).toList();
        return all(pool, checks).contains(true);
    }

    /** Every pod is ready or has failed: nothing more will change without a restart. */
    public boolean settled() {
        return running.stream().allMatch(p -> p.ready() || p.failure() != null);
    }

    public List<String> notReady() {
        return running.stream().filter(p -> !p.ready()).map(RunningPod::key).toList();
    }

    /**
     * Brings the data plane in line with the pods' readiness: EndpointSlices, then per node the kube-proxy rules
     * (and policy rules for CNIs that enforce them), cluster DNS, the entry-point configs and the L2 announcements.
     */
    public void sync() {
        publish();
        List<NetworkPolicy> policies = Manifests.ofType(objects, NetworkPolicy.class);
        for (int i = 0; i < plan.nodes().size(); i++) {
            NodePlan n = plan.nodes().get(i);
            if (proxyMode == ProxyMode.NFTABLES) {
                KubeProxyNft.Ruleset table = KubeProxyNft.render(nodes.get(i), services, slices, plan.clusterCidr(), AddressPlan.SERVICE_CIDR);
                applyIfChanged("kube-proxy " + n.name(), String.join("\n", table.lines()), t -> {
                    // one nft transaction, as kube-proxy's sync; counters are the lab's addition for `rules`
                    nft(n, KubeProxyNft.transaction(appliedNft.computeIfAbsent(n.name(), k -> listedTable(n)), table, true));
                    appliedNft.put(n.name(), table);
                });
            } else {
                applyIfChanged("kube-proxy " + n.name(), KubeProxy.render(nodes.get(i), services, slices, plan.clusterCidr()), t -> restore(n, t));
            }
            if (plan.cni().enforcesPolicy()) {
                applyIfChanged("policy " + n.name(), NetworkPolicies.render(nodes.get(i), policies, pods, namespaces), t -> restore(n, t));
            }
        }
        for (RunningPod p : running) {
            p.addon().ifPresent(a -> syncAddon(p, a));
        }
        announce();
        writeClusterYaml();
    }

    /** The EndpointSlice controller alone: slices from the pods as they are now (terminating ones marked), into cluster.yaml. */
    public void publish() {
        slices = TerminatingEndpoints.mark(EndpointsController.slices(services, pods), pods);
    }

    // ---- seams for the live lab (dev.netpaths.lab.live): a running lab re-read from its state dir ----

    /** The API objects the manifests hold (Deployments, policies...), as admitted. */
    public List<HasMetadata> objects() {
        return objects;
    }

    public List<Node> nodeObjects() {
        return nodes;
    }

    /**
     * Takes the pods a running lab recorded in cluster.yaml instead of the ones the manifests expand to, each with
     * its live processes (the newest journal entry per container that still runs).
     */
    public void resume(String prefix, List<Pod> recorded, List<dev.netpaths.lab.state.Entry.Proc> procs) {
        pods.clear();
        pods.addAll(recorded);
        running.clear();
        for (Pod p : recorded) {
            RunningPod rp = new RunningPod(p, PodRunner.podNetns(prefix, plan, p), node(p.getSpec().getNodeName()), ClusterAddons.addonOf(p));
            for (var e : procs) {
                if (e.what().startsWith(rp.key() + " ") && Procs.alive(e.pid(), e.startTime())) {
                    String container = e.what().substring(rp.key().length() + 1);
                    rp.processes().put(container, new Started(e.pid(), e.startTime(), e.what()));
                }
            }
            rp.ready(PodStatus.isReady(p));
            running.add(rp);
        }
        slices = TerminatingEndpoints.mark(EndpointsController.slices(services, pods), pods);
    }

    /** A new pod: scheduled among the others, sandbox wired, containers started (not ready yet). */
    public RunningPod startPod(String prefix, Pod pod) {
        List<Pod> all = new ArrayList<>(pods);
        all.add(pod);
        Pod placed = dev.netpaths.lab.control.Scheduler.schedule(all, nodes).get(all.size() - 1);
        if (placed.getStatus() == null) {
            placed.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
        }
        placed.getStatus().setPhase("Pending");
        RunningPod p = runner.wire(placed, node(placed.getSpec().getNodeName()), PodRunner.podNetns(prefix, plan, placed));
        pods.add(placed);
        running.add(p);
        runner.startContainers(p);
        return p;
    }

    /** A pod whose processes have ended leaves the cluster's objects (its sandbox is the caller's to remove). */
    public void removePod(RunningPod p) {
        running.remove(p);
        pods.remove(p.pod());
    }

    /** kubelet's restart of an exited container set, with the restart count it reports. */
    public void restartContainers(RunningPod p, int restartCount) {
        runner.startContainers(p);
        PodStatus.restarted(p.pod(), restartCount);
    }

    /** One readiness probe of one pod (kubelet's prober); throws when a container exited. */
    public boolean probeOne(RunningPod p) {
        return runner.probe(p);
    }

    private void syncAddon(RunningPod p, Addon a) {
        if (a == Addon.DNS) {
            // --user=root: dnsmasq re-reads its hosts and servers files on SIGHUP after it dropped privileges, and the
            // state dir need not be readable by nobody
            List<String> args = new ArrayList<>(List.of("dnsmasq", "--log-facility=-", "--user=root"));
            if (UserNamespaces.insidePartialMapping()) {
                // rootless: the default group dip means a setgroups call, which an unprivileged user namespace forbids
                args.add("--group=");
            }
            args.addAll(ClusterDns.dnsmasqArgs(services, slices, pods, PodRunner.CLUSTER_DOMAIN));
            // a record change is a file write and a SIGHUP, never a restart that would refuse queries meanwhile
            applyIfChanged("dns", String.join("\n", args), t -> {
                if (DnsmasqPod.sync(p, args, dir.resolve("dns"), dir.resolve("logs"), launcher) == DnsmasqPod.Change.STARTED
                        && p.failure() == null) {
                    PodStatus.running(p.pod(), p.ready());
                }
            });
            return;
        }
        Path prefix = dir.resolve("nginx").resolve(a.name().toLowerCase());
        NginxPaths paths = new NginxPaths(prefix.toString(), containerPorts(p));
        String conf = switch (a) {
            case NGINX_INGRESS, INGRESS_NGINX -> IngressNginx.render(ingress, Manifests.ofType(objects, IngressClass.class),
                    Manifests.ofType(objects, Ingress.class), services, slices, paths);
            case ENVOY_GATEWAY -> GatewayNginx.render(Manifests.ofType(objects, GatewayClass.class), Manifests.ofType(objects, Gateway.class),
                    Manifests.ofType(objects, HTTPRoute.class), Manifests.ofType(objects, ReferenceGrant.class), namespaces,
                    services, slices, paths);
            case ISTIO_GATEWAY -> IstioNginx.render(generic("Gateway", "networking.istio.io"), generic("VirtualService", "networking.istio.io"),
                    services, slices, paths);
            case DNS -> throw new IllegalStateException();
        };
        applyIfChanged("nginx " + a, conf, t -> {
            write(prefix.resolve("nginx.conf"), t);
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

    /** The ports the add-on's container declares (nginx listens on each). */
    private static List<Integer> containerPorts(RunningPod p) {
        return p.pod().getSpec().getContainers().get(0).getPorts().stream().map(c -> c.getContainerPort()).toList();
    }

    /** The stand-ins are ready when their process runs and (nginx) answers HTTP on its first port. */
    private boolean addonReady(RunningPod p) {
        p.processes().forEach((name, s) -> {
            if (!Procs.alive(s.pid(), s.startTime())) {
                Path logFile = dir.resolve("logs/" + (p.addon().get() == Addon.DNS ? "dnsmasq" : p.addon().get().name().toLowerCase()) + ".log");
                throw new LabException(name + " exited; last lines of " + logFile + ":\n" + PodRunner.tail(logFile));
            }
        });
        return p.addon().get() == Addon.DNS
                || PodRunner.httpStatus(p.node().netns(), "http://" + p.ip() + ":" + containerPorts(p).get(0) + "/") > 0;
    }

    /** MetalLB L2: the elected node answers ARP for the VIP (proxy neighbour + a route to lo so it accepts it). */
    private void announce() {
        for (Service s : services) {
            if (!"LoadBalancer".equals(s.getSpec().getType()) || s.getStatus() == null || s.getStatus().getLoadBalancer() == null
                    || s.getStatus().getLoadBalancer().getIngress() == null || s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
                continue;
            }
            String vip = s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
            String node = MetalLb.announcingNode(s, slices, nodes, metallb);
            String was = announcedBy.get(vip);
            if (Objects.equals(node, was)) {
                continue;
            }
            if (was != null) {
                NodePlan old = node(was);
                Sh.tryRun(java.time.Duration.ofSeconds(5), "ip", "-n", old.netns(), "neigh", "del", "proxy", vip, "dev", "eth0");
                Sh.tryRun(java.time.Duration.ofSeconds(5), "ip", "-n", old.netns(), "route", "del", vip + "/32", "dev", "lo");
                announcedBy.remove(vip);
            }
            if (node != null) {
                NodePlan n = node(node);
                Netns.ip(n.netns(), "neigh", "replace", "proxy", vip, "dev", "eth0");
                Netns.ip(n.netns(), "route", "replace", vip + "/32", "dev", "lo");
                announcedBy.put(vip, node);
            }
        }
    }

    /** Writes {@code <state-dir>/<cluster>/cluster.yaml}: every object as the API server would hold it, for the harness. */
    public void writeClusterYaml() {
        lbAddress(Addon.ingress(ingress)).ifPresent(ip -> IngressNginx.writeStatus(ingress, Manifests.ofType(objects, IngressClass.class),
                Manifests.ofType(objects, Ingress.class), ip));
        lbAddress(Addon.ENVOY_GATEWAY).ifPresent(ip -> GatewayNginx.writeStatus(Manifests.ofType(objects, GatewayClass.class),
                Manifests.ofType(objects, Gateway.class), Manifests.ofType(objects, HTTPRoute.class),
                Manifests.ofType(objects, ReferenceGrant.class), namespaces, services, ip));
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(nodes);
        all.addAll(namespaces);
        objects.stream().filter(o -> !(o instanceof Namespace)).forEach(all::add);
        all.addAll(pods);
        all.addAll(slices);
        all.add(labInfo());
        write(dir.resolve("cluster.yaml"), Serialization.asYaml(new KubernetesListBuilder().withItems(all).build()));
    }

    private ConfigMap labInfo() {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("kube-system").withName("netpaths-lab").endMetadata()
                .addToData("platform", "lab").addToData("cluster", plan.name()).addToData("cni", plan.cni().id())
                .addToData("ingress", ingress.setting()).addToData("proxyMode", proxyMode.id())
                .addToData("calicoEncapsulation", calicoMode == null ? "n/a" : calicoMode.id())
                .addToData("networkPolicy", plan.cni().enforcesPolicy() ? "enforced" : "not-enforced").build();
    }

    public Optional<String> lbAddress(Addon a) {
        return services.stream().filter(s -> a.namespace().equals(s.getMetadata().getNamespace()) && a.serviceName().equals(s.getMetadata().getName()))
                .flatMap(s -> Optional.ofNullable(s.getStatus()).map(st -> st.getLoadBalancer()).map(lb -> lb.getIngress()).orElse(List.of()).stream())
                .map(i -> i.getIp()).findFirst();
    }

    public List<Service> services() {
        return services;
    }

    public List<EndpointSlice> slices() {
        return slices;
    }

    private List<GenericKubernetesResource> generic(String kind, String group) {
        return Manifests.ofType(objects, GenericKubernetesResource.class).stream()
                .filter(g -> kind.equals(g.getKind()) && g.getApiVersion() != null && g.getApiVersion().startsWith(group + "/")).toList();
    }

    private void applyIfChanged(String what, String text, Consumer<String> apply) {
        if (!text.equals(appliedConfig.get(what))) {
            apply.accept(text);
            appliedConfig.put(what, text);
        }
    }

    private static void restore(NodePlan n, String rules) {
        try {
            Sh.runWith(rules, List.of(), Sh.inNs(n.netns(), "iptables-restore", "--noflush"));
        } catch (LabException e) {
            throw new LabException("iptables-restore on " + n.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static void nft(NodePlan n, String transaction) {
        try {
            Sh.runWith(transaction, List.of(), Sh.inNs(n.netns(), "nft", "-f", "-"));
        } catch (LabException e) {
            throw new LabException("nft -f on " + n.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The node's kube-proxy table as it is (a new process, a live verb, starts from it), or null before the first sync. */
    private static KubeProxyNft.Ruleset listedTable(NodePlan n) {
        Sh.Result r = Sh.tryRun(java.time.Duration.ofSeconds(20), Sh.inNs(n.netns(), "nft", "list", "table", "ip", "kube-proxy"));
        return r.ok() ? KubeProxyNft.Ruleset.listed(r.out()) : null;
    }

    public ProxyMode proxyMode() {
        return proxyMode;
    }

    private NodePlan node(String name) {
        return plan.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new LabException("no node " + name + " in cluster " + plan.name()));
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs the tasks on the pool and returns their results; the first failure is rethrown as it is. */
    static <T> List<T> all(ExecutorService pool, List<Callable<T>> tasks) {
        try {
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new LabException(e.getCause().toString(), e.getCause());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}

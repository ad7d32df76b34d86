package dev.netpaths.lab;

import dev.netpaths.lab.addons.AddOn;
import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.addons.ClusterAddons.Addon;
import dev.netpaths.lab.addons.GatewayPolicies;
import dev.netpaths.lab.addons.IngressNginx;
import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Manifests;
import dev.netpaths.lab.api.ServiceAllocator;
import dev.netpaths.lab.api.Workloads;
import dev.netpaths.lab.cni.Calico;
import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.live.TerminatingEndpoints;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.pod.PodRunner;
import dev.netpaths.lab.pod.PodStatus;
import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Launcher.Started;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.state.RecordedSettings;
import dev.netpaths.lab.state.StateFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One cluster of the lab and its state: the API objects as admitted (with the status the lab keeps), the pods wired,
 * started and probed, and {@link #sync()}, which publishes the EndpointSlices and hands the cluster as it is to the
 * nodes' rules ({@link NodeDataplane}) and the add-ons ({@link AddOnRuntime}), then writes cluster.yaml.
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
    private final ProxyMode proxyMode;
    private final List<AddOn> addOns;
    private final AddOnRuntime addOnRuntime;
    private final NodeDataplane dataplane;

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
            // and LAB_CALICO as scripts/cluster reads CALICO_ENCAP: vxlan (default) or bgp (CALICO_ENCAP=none); both as
            // `up` recorded them, so a later verb without them rebuilds this lab, not the default one
            Path stateDir = dir.getParent();
            this.ingress = IngressNginx.Controller.fromSetting(RecordedSettings.get(stateDir, "INGRESS"));
            this.calicoMode = plan.cni() == CniKind.CALICO ? Calico.Mode.recorded(stateDir) : null;
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
        this.dataplane = new NodeDataplane(plan, proxyMode, calicoMode);
        this.addOns = ClusterAddons.of(ingress);
        this.addOnRuntime = new AddOnRuntime(addOns, dir, launcher, this::node);
        parsed.addAll(ClusterAddons.addons(AddressPlan.DNS_IP, ingress, parsed));
        ClusterIdentity.apply(parsed, plan);
        this.nodes = LabObjects.nodes(plan);
        this.namespaces = ClusterAddons.namespaces(parsed);
        this.services = Manifests.ofType(parsed, Service.class);
        ServiceAllocator.admit(services, AddressPlan.SERVICE_CIDR, AddressPlan.DNS_IP);
        this.metallb = ClusterIdentity.metallb(Manifests.ofType(parsed, GenericKubernetesResource.class), plan);
        addOns.forEach(a -> a.admit(services, metallb));
        this.pods = new ArrayList<>(Workloads.expand(parsed, nodes));
        this.objects = parsed;
        // the API server keeps stringData only as data (base64): the harness reads Secrets as a cluster serves them
        Manifests.ofType(parsed, Secret.class).forEach(GatewayPolicies::storeStringData);
        try {
            GatewayPolicies.read(parsed, Manifests.ofType(parsed, Secret.class)); // refuse what the lab does not model now
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
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
        dataplane.start();
        all(pool, running.stream().filter(p -> p.addon().isEmpty()).<Callable<RunningPod>>map(p -> () -> {
            runner.startContainers(p);
            return p;
        }).toList());
    }

    /**
     * One round of readiness probes over the pods not yet ready; returns whether any pod became ready. A pod whose
     * container exited is marked failed (reported with the end of its log) and stays not ready, as on a cluster.
     */
    public boolean probe(ExecutorService pool) {
        List<Callable<Boolean>> checks = running.stream().filter(p -> !p.ready() && p.failure() == null && !p.processes().isEmpty())
                .<Callable<Boolean>>map(p -> () -> {
                    try {
                        boolean ready = p.addon().isPresent() ? addOnRuntime.ready(p) : runner.probe(p);
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
        syncControllers();
        writeClusterYaml();
    }

    private void syncControllers() {
        publish();
        dataplane.sync(nodes, services, slices, Manifests.ofType(objects, NetworkPolicy.class), pods, namespaces);
        addOnRuntime.sync(running, view());
    }

    /**
     * Renders everything {@link #sync()} would apply (kube-proxy and policy rules per node, DNS records, entry-point
     * configs) without applying any of it: a change the renderers refuse (a field the lab does not model) fails here,
     * before the running lab is touched.
     *
     * @throws IllegalArgumentException or LabException with the renderer's reason
     */
    public void check() {
        dataplane.dryRun(true);
        addOnRuntime.dryRun(true);
        try {
            syncControllers();
        } finally {
            dataplane.dryRun(false);
            addOnRuntime.dryRun(false);
        }
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

    /**
     * Takes the pods a running lab recorded in cluster.yaml instead of the ones the manifests expand to, each with
     * its processes: the newest journal entry per container, also when that process has exited since the last verb
     * (nothing watches the pods between verbs: the verb's kubelet must see the exit, {@link Procs#alive} tells it).
     */
    public void resume(String prefix, List<Pod> recorded, List<dev.netpaths.lab.state.Entry.Proc> procs) {
        pods.clear();
        pods.addAll(recorded);
        running.clear();
        for (Pod p : recorded) {
            RunningPod rp = new RunningPod(p, PodRunner.podNetns(prefix, plan, p), node(p.getSpec().getNodeName()), ClusterAddons.addonOf(p));
            for (var e : procs) {
                // by its sandbox too: the other cluster of a 2-cluster lab has add-on pods of the same name, whose
                // dnsmasq or nginx would otherwise be the one a live verb reloads
                if (e.ofPod(rp.key(), rp.netns())) {
                    // the journal is in start order: a later entry (a restart) replaces an earlier one
                    rp.processes().put(e.container(rp.key()), new Started(e.pid(), e.startTime(), e.what()));
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
        Pod placed = dev.netpaths.lab.api.Scheduler.schedule(all, nodes).get(all.size() - 1);
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

    /**
     * kubelet's restart of an exited container set, with the restart count it reports: the JVMs of the pod's
     * containers, or an add-on pod's stand-in (dnsmasq, nginx) with the configuration the cluster has now.
     */
    public void restartContainers(RunningPod p, int restartCount) {
        if (p.addon().isPresent()) {
            addOnRuntime.restart(p, view());
        } else {
            runner.startContainers(p);
        }
        PodStatus.restarted(p.pod(), restartCount);
    }

    /** One readiness probe of one pod (kubelet's prober); throws when a container exited. */
    public boolean probeOne(RunningPod p) {
        return p.addon().isPresent() ? addOnRuntime.ready(p) : runner.probe(p);
    }

    /** Writes {@code <state-dir>/<cluster>/cluster.yaml}: every object as the API server would hold it, for the harness. */
    public void writeClusterYaml() {
        addOnRuntime.writeStatus(view());
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
        return AddOnRuntime.lbAddress(services, a);
    }

    /** The cluster as the add-ons read it now. */
    private AddOn.Cluster view() {
        return new AddOn.Cluster(objects, namespaces, nodes, services, slices, pods, metallb, PodRunner.CLUSTER_DOMAIN);
    }

    public List<Service> services() {
        return services;
    }

    public List<EndpointSlice> slices() {
        return slices;
    }

    private NodePlan node(String name) {
        return plan.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new LabException("no node " + name + " in cluster " + plan.name()));
    }

    /** Atomically ({@link StateFiles}): the harness, {@code status} and nginx read these files while the lab runs. */
    static void write(Path file, String text) {
        StateFiles.write(file, text);
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

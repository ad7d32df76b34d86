package dev.netpaths.lab;

import dev.netpaths.lab.cni.Calico;
import dev.netpaths.lab.cni.CniRunner;
import dev.netpaths.lab.cni.Flannel;
import dev.netpaths.lab.cni.PodNetwork;
import dev.netpaths.lab.cni.Weave;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.Netns;
import dev.netpaths.lab.net.NodeNetwork;
import dev.netpaths.lab.pod.EnvResolver;
import dev.netpaths.lab.pod.ImageStore;
import dev.netpaths.lab.pod.PodRunner;
import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.PodMemory;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.proc.Sleep;
import dev.netpaths.lab.state.RecordedSettings;
import dev.netpaths.lab.state.Journal;
import dev.netpaths.lab.state.Teardown;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/** The lab's lifecycle: {@link #up}, {@link #down}; {@link LabStatus} reads what up wrote. */
public final class Lab {
    /** The setting that bounds the wait from nothing to every pod ready (JVM start on 2 cores is most of it). */
    public static final String READY_TIMEOUT_SETTING = "LAB_READY_TIMEOUT";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final int READY_TIMEOUT_MAX = 1800;
    static final List<String> TOOLS = List.of("ip", "iptables-restore", "curl", "java", "kubectl", "setsid", "dnsmasq", "nginx");

    private final PrintStream out;

    public Lab(PrintStream out) {
        this.out = out;
    }

    /** Figures of one {@code up}: seconds until every pod was ready (or failed), RSS per pod, the pods that failed. */
    public record UpFigures(double readySeconds, List<String> rssLines, long maxRssKb, List<String> failed, Phases phases) {
        /** What {@code up} prints after the status: the figures, the pods that failed, then where the time went. */
        public void print(PrintStream out) {
            out.printf("%nFIGURES (benchmark, not asserted)%n  %s %.1f s after start%n  RSS per pod (resident pages of its processes, a page they share counted once):%n",
                    failed.isEmpty() ? "all pods ready" : "pods settled", readySeconds);
            rssLines.forEach(out::println);
            out.printf("  largest pod %.1f MB%n", maxRssKb / 1024.0);
            if (!failed.isEmpty()) {
                out.println("lab: pods failed (the lab stays up; see the messages above): " + String.join(", ", failed));
            }
            out.printf("%nTIMING of up (from the start of the new lab; a previous lab's removal not counted)%n");
            phases.table().forEach(out::println);
        }
    }

    /**
     * The pods-ready bound from {@value #READY_TIMEOUT_SETTING} (whole seconds, 1 to {@value #READY_TIMEOUT_MAX}; unset or
     * empty: 180 s); anything else is refused with the reason before anything is built.
     */
    public static Duration readyTimeout(String value) {
        if (value == null || value.isBlank()) {
            return READY_TIMEOUT;
        }
        if (value.strip().matches("[0-9]{1,5}")) {
            int s = Integer.parseInt(value.strip());
            if (s >= 1 && s <= READY_TIMEOUT_MAX) {
                return Duration.ofSeconds(s);
            }
        }
        throw new LabException(READY_TIMEOUT_SETTING + " must be whole seconds from 1 to " + READY_TIMEOUT_MAX
                + " (the bound on the wait until every pod is ready; default " + READY_TIMEOUT.toSeconds() + "), got '" + value + "'");
    }

    public UpFigures up(LabConfig cfg) {
        // LAB_PROXY_MODE is checked before anything is built (ipvs and typos refused with the reason)
        ProxyMode proxyMode = ProxyMode.fromSetting(System.getenv(ProxyMode.SETTING));
        Duration readyTimeout = readyTimeout(System.getenv(READY_TIMEOUT_SETTING));
        requireTools(cfg);
        if (proxyMode == ProxyMode.NFTABLES && !Sh.tryRun(Duration.ofSeconds(5), "sh", "-c", "command -v nft").ok()) {
            throw new LabException("missing: nft, for " + ProxyMode.SETTING + "=nftables (install it: sudo scripts/install-deps.sh)");
        }
        // a rootless lab's journal starts with its namespace holder, written just before this up: not a lab to remove
        if (new Journal(cfg.stateDir()).recordsLab()) {
            out.println("lab: a lab is recorded in " + cfg.stateDir() + "; removing it first");
            down(cfg.stateDir(), LabConfig.read(cfg.stateDir()).map(LabConfig::prefix).orElse(cfg.prefix()));
        }
        sweepUnrecorded(cfg.prefix());
        // the ready figure counts from nothing: after any previous lab is gone
        long t0 = System.nanoTime();
        Phases phases = new Phases(t0);
        String manifests = ManifestSource.render(cfg.repo(), cfg.manifests());
        phases.end("manifests rendered (kubectl kustomize)");
        List<ClusterPlan> plans = AddressPlan.plan(cfg.prefix(), cfg.cni(), cfg.nodes(), cfg.clusters());

        Journal journal = new Journal(cfg.stateDir());
        cfg.write();
        RecordedSettings.record(cfg.stateDir(), System::getenv);
        Netns netns = new Netns(journal);
        Launcher launcher = new Launcher(journal);
        ImageStore images = new ImageStore(cfg.repo(), cfg.stateDir().resolve("images"));

        // Admission first: a manifest the controllers reject fails before anything exists
        List<ClusterRuntime> clusters = new ArrayList<>();
        List<PodNetwork> networks = new ArrayList<>();
        for (ClusterPlan plan : plans) {
            PodNetwork network = network(cfg, plan, launcher);
            networks.add(network);
            clusters.add(runtime(cfg, plan, manifests, network, journal, images));
        }
        phases.end("objects parsed and admitted");

        int nodes = plans.stream().mapToInt(p -> p.nodes().size()).sum();
        step("node network " + AddressPlan.NODE_NETWORK + ": " + nodes + (nodes == 1 ? " node" : " nodes"));
        new NodeNetwork(netns, cfg.prefix()).build(plans);
        phases.end("node network");
        for (int i = 0; i < plans.size(); i++) {
            step(plans.get(i).name() + ": " + cfg.cni().id() + " between the nodes");
            networks.get(i).wireNodes(plans.get(i));
        }
        for (int i = 0; i < plans.size(); i++) {
            networks.get(i).awaitConverged(plans.get(i));
        }
        phases.end(cfg.cni().id() + " between the nodes, converged");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (ClusterRuntime c : clusters) {
                step(c.plan().name() + ": wiring and starting the pods");
                c.startPods(cfg.prefix(), pool);
                c.sync();
            }
            phases.end("pods wired and started, Services synced");
            awaitReady(clusters, pool, t0, readyTimeout);
            phases.end("until every pod is ready");
        } finally {
            pool.shutdownNow();
        }
        double ready = (System.nanoTime() - t0) / 1e9;
        clusters.forEach(ClusterRuntime::writeClusterYaml);
        phases.end("cluster.yaml written");
        return figures(clusters, ready, phases);
    }

    private void awaitReady(List<ClusterRuntime> clusters, ExecutorService pool, long t0, Duration timeout) {
        long deadline = t0 + timeout.toNanos();
        while (!clusters.stream().allMatch(ClusterRuntime::settled)) {
            if (System.nanoTime() > deadline) {
                throw new LabException("pods not ready after " + timeout.toSeconds() + " s (" + READY_TIMEOUT_SETTING
                        + "; on a loaded machine raise it, e.g. " + READY_TIMEOUT_SETTING + "=" + Math.min(READY_TIMEOUT_MAX, timeout.toSeconds() * 2)
                        + "): " + clusters.stream().flatMap(c -> c.notReady().stream()).collect(Collectors.joining(", "))
                        + " (logs under the state dir, <cluster>/logs)");
            }
            for (ClusterRuntime c : clusters) {
                if (c.probe(pool)) {
                    c.sync();
                }
            }
            Sleep.ms(250);
        }
    }

    private static PodNetwork network(LabConfig cfg, ClusterPlan plan, Launcher launcher) {
        return switch (plan.cni()) {
            case FLANNEL -> new Flannel();
            case CALICO -> new Calico(launcher, cfg.stateDir().resolve(plan.name()).resolve("bird"), Calico.Mode.recorded(cfg.stateDir()));
            case WEAVE -> new Weave();
        };
    }

    /** One cluster's runtime (objects admitted, nothing started), as {@code up} builds it and the live verbs re-read it. */
    public static ClusterRuntime runtime(LabConfig cfg, ClusterPlan plan, String manifests, PodNetwork network, Journal journal,
                                         ImageStore images) {
        Path dir = cfg.stateDir().resolve(plan.name());
        Launcher launcher = new Launcher(journal);
        return new ClusterRuntime(plan, dir, ProxyMode.recorded(cfg.stateDir()), manifests, launcher, objects -> new PodRunner(new Netns(journal), new CniRunner(journal),
                launcher, network, plan, dir, images, new EnvResolver(configMaps(objects))), m -> System.out.println("lab: " + m));
    }

    /**
     * The runtimes of the lab recorded in cfg's state dir, for changing it while it runs: from manifests rendered
     * already ({@link #manifests}), each cluster's edited first (the live lab's applied changes).
     */
    public static List<ClusterRuntime> runtimes(LabConfig cfg, String manifests, java.util.function.BiFunction<ClusterPlan, String, String> edit) {
        Journal journal = new Journal(cfg.stateDir());
        Launcher launcher = new Launcher(journal);
        ImageStore images = new ImageStore(cfg.repo(), cfg.stateDir().resolve("images"));
        return AddressPlan.plan(cfg.prefix(), cfg.cni(), cfg.nodes(), cfg.clusters()).stream()
                .map(plan -> runtime(cfg, plan, edit.apply(plan, manifests), network(cfg, plan, launcher), journal, images)).toList();
    }

    /** The manifests the lab recorded in cfg deploys, rendered (kubectl kustomize): what every cluster starts from. */
    public static String manifests(LabConfig cfg) {
        return ManifestSource.render(cfg.repo(), cfg.manifests());
    }

    private UpFigures figures(List<ClusterRuntime> clusters, double ready, Phases phases) {
        List<String> lines = new ArrayList<>();
        long max = 0;
        for (ClusterRuntime c : clusters) {
            for (RunningPod p : c.pods()) {
                PodMemory.Figure memory = PodMemory.of(p.processes().values().stream().map(Launcher.Started::pid).toList());
                max = Math.max(max, memory.residentKb());
                lines.add(String.format("    %-12s %-62s %6.1f MB (%d process%s%s)", c.plan().name(), p.key(),
                        memory.residentKb() / 1024.0, p.processes().size(), p.processes().size() == 1 ? "" : "es",
                        !memory.distinct() ? "; VmRSS sum: page frames not readable"
                                : p.processes().size() > 1 ? String.format("; VmRSS sum %.1f MB", memory.vmRssSumKb() / 1024.0) : ""));
            }
        }
        List<String> failed = clusters.stream().flatMap(c -> c.pods().stream()).filter(p -> p.failure() != null).map(RunningPod::key).toList();
        return new UpFigures(ready, lines, max, failed, phases);
    }

    /** Removes the lab recorded in stateDir; returns the seconds it took. Succeeds when there is nothing to do. */
    public double down(Path stateDir, String prefix) {
        long t0 = System.nanoTime();
        Journal journal = new Journal(stateDir);
        Teardown.Plan plan = Teardown.plan(journal.read());
        new Teardown(stateDir, m -> out.println("lab: " + m)).run(plan);
        sweepUnrecorded(prefix);
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Namespaces with the lab's exact naming ({@code <prefix>-net}, {@code <prefix>-host}, {@code <prefix>-netpaths*},
     * {@code <prefix>-c<N>-*}) that no journal records (its state dir was removed by hand): clearly this lab's, so
     * their processes are ended and they are deleted. Nothing else with the prefix is touched.
     */
    void sweepUnrecorded(String prefix) {
        for (String ns : Sh.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.matches(java.util.regex.Pattern.quote(prefix) + "-(net|host|netpaths(-b)?-.+|c[0-9]+-.+)")) {
                out.println("lab: removing unrecorded namespace " + ns);
                Procs.inNamespace(ns).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                Sh.tryRun(Duration.ofSeconds(10), "ip", "netns", "delete", ns);
                Teardown.deleteRecursively(Path.of("/etc/netns", ns));
            }
        }
    }

    /** The namespaces of this prefix that exist now (for the check that down left nothing). */
    public static List<String> namespacesOf(String prefix) {
        return Sh.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(prefix + "-")).toList();
    }

    private static List<ConfigMap> configMaps(List<HasMetadata> objects) {
        return objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).toList();
    }

    private void requireTools(LabConfig cfg) {
        List<String> missing = new ArrayList<>();
        for (String t : TOOLS) {
            if (!Sh.tryRun(Duration.ofSeconds(5), "sh", "-c", "command -v " + t).ok()) {
                missing.add(t);
            }
        }
        if (cfg.cni() == dev.netpaths.lab.cni.CniKind.CALICO && Calico.Mode.fromEnvironment() == Calico.Mode.BGP
                && !Sh.tryRun(Duration.ofSeconds(5), "sh", "-c", "command -v bird").ok()) {
            missing.add("bird");
        }
        for (String plugin : Set.of("bridge", "ptp", "host-local")) {
            if (!Files.isExecutable(Path.of("/usr/lib/cni", plugin))) {
                missing.add("/usr/lib/cni/" + plugin);
            }
        }
        if (!missing.isEmpty()) {
            // kubectl is no Debian package, so install-deps.sh cannot install it: name its own fix.
            String fix = missing.contains("kubectl")
                    ? "; kubectl is no Debian package: install it from https://kubernetes.io/docs/tasks/tools/ (its built-in kustomize v5 renders k8s/overlays; tested with v1.32)"
                    : "";
            throw new LabException("missing: " + String.join(", ", missing)
                    + " (install the Debian packages: sudo scripts/install-deps.sh" + fix + ")");
        }
    }

    private void step(String s) {
        out.println("lab: " + s);
    }
}

package dev.netpaths.lab.live;

import dev.netpaths.lab.ClusterRuntime;
import dev.netpaths.lab.Lab;
import dev.netpaths.lab.LabConfig;
import dev.netpaths.lab.LabException;
import dev.netpaths.lab.live.Reconciler.Action;
import dev.netpaths.lab.live.Reconciler.Event;
import dev.netpaths.lab.pod.PodStatus;
import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Launcher.Started;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.proc.Sleep;
import dev.netpaths.lab.state.Entry;
import dev.netpaths.lab.state.Journal;
import dev.netpaths.lab.state.Teardown;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A running lab changed in place: its cluster re-read from the state dir (cluster.yaml for the pods, the journal for
 * their processes), the {@link Reconciler} told what happened, and its actions carried out on the real pods,
 * kube-proxy rules, dnsmasq, nginx and L2 announcements, until the cluster has settled (bounded). Everything it
 * creates is journaled first, exactly as {@code up} does, so {@code down} removes it also after a {@code kill -9}
 * in the middle of a change.
 */
public final class LiveCluster {
    /** The alphabet of apimachinery's rand.String (no vowels, no 0/1/3). */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    /** kubelet's readiness probing here: every pod, every half second (echo's periodSeconds is 2). */
    private static final Duration PROBE_EVERY = Duration.ofMillis(500);
    /**
     * The exit code of a container process the lab sees gone: unknown (the verb is not its parent), so a failure, as
     * kubelet reports a process killed by a signal (restartPolicy OnFailure restarts it).
     */
    private static final int EXIT_UNKNOWN = 1;

    private final LabConfig cfg;
    private final ClusterRuntime runtime;
    private final PrintStream out;
    private final Reconciler model;
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    /** Deployment key to its ReplicaSet name per revision (revision 1: the one up created). */
    private final Map<String, Map<Integer, String>> replicaSets = new HashMap<>();
    /** Deployment key to the pod each revision's pods are made from (revision 1: one that up started). */
    private final Map<String, Map<Integer, Pod>> prototypes = new HashMap<>();
    private final PriorityQueue<Timed> timers = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Event> reported = new ConcurrentLinkedQueue<>();
    private final SecureRandom random = new SecureRandom();
    private final long t0 = System.nanoTime();
    private volatile List<RunningPod> probing = List.of();
    private boolean proberStarted;
    /** When the data plane was last synced (System.nanoTime), for kube-proxy's min-sync-period. */
    private long lastSyncNanos = System.nanoTime();
    private List<Reconciler.Endpoint> lastPublished = List.of();
    // set by open: where the cluster's changes are kept, and the objects as the user and the manifests wrote them
    private Path stateDir;
    private String name;
    private Duration syncPeriod;
    private Path clusterDir;
    private Overlay overlay;
    private List<HasMetadata> sources;
    private String baseManifests;

    private record Timed(long due, long seq, Event event) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    private LiveCluster(LabConfig cfg, ClusterRuntime runtime, Duration syncPeriod, PrintStream out) {
        this.cfg = cfg;
        this.runtime = runtime;
        this.out = out;
        this.model = new Reconciler(runtime.plan().nodes().stream().map(n -> n.name()).toList(), syncPeriod, this::newPodName);
        adoptDeployments();
        adoptOthers();
        lastPublished = model.published();
    }

    /** The cluster {@code name} of the lab recorded in stateDir, as it runs now (with what apply and delete changed). */
    public static LiveCluster open(Path stateDir, String name, Duration syncPeriod, PrintStream out) {
        return open(stateDir, name, syncPeriod, out, null);
    }

    /**
     * The cluster as it runs, its objects the manifests with {@code overlay} merged (null: the recorded one). The
     * objects are admitted again as the API server would, each Service keeping what it was given.
     *
     * @throws Refused when admission refuses the merged objects (nothing has changed yet)
     */
    private static LiveCluster open(Path stateDir, String name, Duration syncPeriod, PrintStream out, Overlay overlay) {
        return open(stateDir, name, syncPeriod, out, overlay, null);
    }

    private static LiveCluster open(Path stateDir, String name, Duration syncPeriod, PrintStream out, Overlay overlay, String rendered) {
        LabConfig cfg = LabConfig.read(stateDir).orElseThrow(() -> new Refused("no lab in " + stateDir
                + " (start one with `scripts/lab/lab.sh up`)"));
        // kubectl kustomize once per verb: a change is checked on a second open of the same manifests
        String base = rendered != null ? rendered : Lab.manifests(cfg);
        Path clusterDir = stateDir.resolve(name);
        List<HasMetadata> recorded = recorded(clusterDir.resolve("cluster.yaml"));
        Overlay changes = overlay != null ? overlay : Overlay.read(clusterDir);
        List<io.fabric8.kubernetes.api.model.Service> admitted = recorded.stream()
                .filter(io.fabric8.kubernetes.api.model.Service.class::isInstance).map(io.fabric8.kubernetes.api.model.Service.class::cast).toList();
        List<List<HasMetadata>> sources = new ArrayList<>();
        ClusterRuntime runtime;
        try {
            runtime = Lab.runtimes(cfg, base, (plan, manifests) -> {
                if (!plan.name().equals(name)) {
                    return manifests;
                }
                List<HasMetadata> merged = changes.merge(dev.netpaths.lab.api.Manifests.parse(manifests), admitted);
                sources.add(merged);
                return changes.isEmpty() ? manifests
                        : Serialization.asYaml(new io.fabric8.kubernetes.api.model.KubernetesListBuilder().withItems(merged).build());
            }).stream().filter(r -> r.plan().name().equals(name)).findFirst()
                    .orElseThrow(() -> new Refused("no cluster " + name + " in the lab in " + stateDir));
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        List<Entry.Proc> procs = new Journal(stateDir).read().stream().filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList();
        runtime.resume(cfg.prefix(), recorded.stream().filter(Pod.class::isInstance).map(Pod.class::cast).toList(), procs);
        // the API's Deployments are the recorded ones (a scale changed spec.replicas), not the manifests'
        for (HasMetadata o : runtime.objects()) {
            if (o instanceof Deployment d) {
                recorded.stream().filter(r -> r instanceof Deployment && key(r).equals(key(d))).map(Deployment.class::cast).findFirst()
                        .ifPresent(r -> d.getSpec().setReplicas(r.getSpec().getReplicas()));
            }
        }
        LiveCluster c = new LiveCluster(cfg, runtime, syncPeriod, out);
        c.clusterDir = clusterDir;
        c.overlay = changes;
        c.sources = sources.get(0);
        c.stateDir = stateDir;
        c.name = name;
        c.syncPeriod = syncPeriod;
        c.baseManifests = base;
        return c;
    }

    static List<HasMetadata> recorded(Path clusterYaml) {
        try {
            return Serialization.unmarshal(Files.readString(clusterYaml), KubernetesList.class).getItems();
        } catch (IOException e) {
            throw new LabException("cannot read " + clusterYaml + ": " + e.getMessage(), e);
        }
    }

    private void adoptDeployments() {
        for (HasMetadata o : runtime.objects()) {
            if (!(o instanceof Deployment d)) {
                continue;
            }
            String key = key(d);
            Map<String, Boolean> mine = new LinkedHashMap<>();
            List<String> terminating = new ArrayList<>();
            String rs = null;
            for (RunningPod p : runtime.pods()) {
                Optional<String> owner = replicaSetOf(p.pod());
                if (owner.isPresent() && ownedBy(d, owner.get(), p.pod()) && p.addon().isEmpty()
                        && p.pod().getMetadata().getDeletionTimestamp() != null) {
                    terminating.add(p.key());
                } else if (owner.isPresent() && ownedBy(d, owner.get(), p.pod()) && p.addon().isEmpty()) {
                    mine.put(p.key(), p.ready());
                    rs = owner.get();
                    prototypes.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(1, p.pod());
                }
            }
            if (mine.isEmpty()) {
                // the add-ons' Deployments (DNS, entry points) run stand-ins that up starts; the lab leaves them be
                continue;
            }
            deployments.put(key, d);
            replicaSets.computeIfAbsent(key, k -> new HashMap<>()).put(1, rs);
            var spec = d.getSpec().getTemplate().getSpec();
            var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
            int[] fence = Reconciler.fenceposts(text(rolling == null ? null : rolling.getMaxSurge()),
                    text(rolling == null ? null : rolling.getMaxUnavailable()), Optional.ofNullable(d.getSpec().getReplicas()).orElse(1));
            boolean preStop = spec.getContainers().stream().anyMatch(c -> preStop(c) != null);
            long grace = spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds();
            int replicas = Optional.ofNullable(d.getSpec().getReplicas()).orElse(1);
            model.adopt(new Reconciler.Deployment(key, replicas, fence[0], fence[1],
                    new Reconciler.Template((int) grace, preStop, Optional.ofNullable(spec.getRestartPolicy()).orElse("Always"))), mine);
            // kubelet counts on from the restarts it reported (cluster.yaml), not from 0 in every verb
            mine.keySet().forEach(pod -> model.restartCount(pod, PodStatus.restartCount(running(pod).pod())));
            terminating.forEach(pod -> model.adoptTerminating(key, pod));
        }
    }

    /**
     * Every other running pod: a DaemonSet's (the callers), an add-on's whose stand-in the lab runs (DNS, the entry
     * points), a bare Pod. kubelet restarts their containers as it does a Deployment's pods; nothing scales or
     * replaces them.
     */
    private void adoptOthers() {
        for (RunningPod p : runtime.pods()) {
            Pod pod = p.pod();
            if (model.pod(p.key()) != null || pod.getMetadata().getDeletionTimestamp() != null
                    || pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
                continue;
            }
            var spec = pod.getSpec();
            boolean preStop = spec.getContainers().stream().anyMatch(c -> preStop(c) != null);
            long grace = spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds();
            String owner = p.addon().map(a -> "Deployment " + a.namespace() + "/" + a.deploymentName())
                    .or(() -> Optional.ofNullable(pod.getMetadata().getOwnerReferences()).orElse(List.of()).stream().findFirst()
                            .map(r -> r.getKind() + " " + pod.getMetadata().getNamespace() + "/" + r.getName()))
                    .orElse("Pod " + p.key());
            model.adoptPod(p.key(), owner, new Reconciler.Template((int) grace, preStop,
                    Optional.ofNullable(spec.getRestartPolicy()).orElse("Always")), p.ready(), PodStatus.restartCount(pod));
        }
    }

    private static boolean ownedBy(Deployment d, String replicaSet, Pod pod) {
        return d.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                && replicaSet.startsWith(d.getMetadata().getName() + "-")
                && replicaSet.substring(d.getMetadata().getName().length() + 1).matches("[a-z0-9]+");
    }

    private static Optional<String> replicaSetOf(Pod pod) {
        return Optional.ofNullable(pod.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
                .filter(r -> "ReplicaSet".equals(r.getKind())).map(OwnerReference::getName).findFirst();
    }

    private static String text(IntOrString v) {
        return v == null ? null : v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
    }

    private static LifecycleHandler preStop(Container c) {
        return c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
    }

    // ---- verbs ----

    /** {@code kubectl delete pod}: its endpoint terminating, kubelet's termination, the ReplicaSet's replacement. */
    public void deletePod(String namespace, String name, Duration bound) {
        String key = namespace + "/" + name;
        if (runtime.pods().stream().noneMatch(p -> p.key().equals(key))) {
            throw new Refused("pods \"" + name + "\" not found in namespace " + namespace);
        }
        if (model.pod(key) == null || !deployments.containsKey(model.pod(key).owner())) {
            throw new Refused("pod " + key + " belongs to no Deployment: the lab changes Deployment pods only"
                    + " (DaemonSet pods and the add-ons' are restarted when their container exits, never deleted by a verb)");
        }
        log("pod/" + name + " deleted");
        run(new Event.DeletePod(key), bound);
    }

    /**
     * {@code kubectl apply -f}: the objects admitted and rendered first (a refusal changes nothing), recorded, then
     * reconciled in the order a cluster's watchers act ({@link Reconciler.Event.ObjectChanged}); a Deployment's new
     * replicas as a scale. Prints kubectl's line per object.
     */
    public void apply(List<HasMetadata> objects, String defaultNamespace, Duration bound) {
        if (objects.isEmpty()) {
            throw new Refused("no objects passed to apply");
        }
        List<Overlay.Change> changes = new ArrayList<>();
        Overlay next = overlay.apply(objects, sources, defaultNamespace, changes);
        LiveCluster trial = checked(next);
        List<Event> events = new ArrayList<>();
        for (Overlay.Change c : changes) {
            String key = c.key().namespace() + "/" + c.key().name();
            if (c.object() instanceof Deployment d) {
                int replicas = Optional.ofNullable(d.getSpec().getReplicas()).orElse(1);
                if (replicas < 0 || replicas > 10) {
                    throw new Refused(c.key().display() + ": spec.replicas must be 0..10 in the lab, got " + replicas);
                }
                boolean same = trial.deployments.get(key) != null
                        && Optional.ofNullable(trial.deployments.get(key).getSpec().getReplicas()).orElse(1) == replicas;
                if (trial.deployments.get(key) == null) {
                    throw new Refused(c.key().display() + ": its pods are an add-on's stand-ins, which the lab does not scale");
                }
                out.println(c.key().display() + (same ? " unchanged" : " configured"));
                if (!same) {
                    trial.deployments.get(key).getSpec().setReplicas(replicas);
                    events.add(new Event.Scale(key, replicas));
                }
                continue;
            }
            out.println(c.line());
            if (c.outcome() != Overlay.Outcome.UNCHANGED) {
                events.add(new Event.ObjectChanged(c.key().kind(), key, false));
            }
        }
        next.write(clusterDir);
        if (!events.isEmpty()) {
            trial.run(events, bound);
        }
    }

    /** {@code kubectl delete -f FILE} or {@code delete KIND NAME}: refused (nothing changed) for a name the cluster lacks. */
    public void delete(List<Overlay.Key> keys, Duration bound) {
        Overlay next = overlay.delete(keys, sources);
        LiveCluster trial = checked(next);
        next.write(clusterDir);
        keys.forEach(k -> out.println(k.display() + " deleted"));
        trial.run(keys.stream().<Event>map(k -> new Event.ObjectChanged(k.kind(), k.namespace() + "/" + k.name(), true)).toList(), bound);
    }

    /** The cluster with {@code next} merged, admitted and every config rendered, nothing applied yet. */
    private LiveCluster checked(Overlay next) {
        LiveCluster trial = open(stateDir, name, syncPeriod, out, next, baseManifests);
        try {
            trial.runtime.check();
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        } catch (LabException e) {
            throw new Refused(e.getMessage());
        }
        return trial;
    }

    /** {@code kubectl scale deployment/NAME --replicas=N}. */
    public void scale(String namespace, String name, int replicas, Duration bound) {
        String key = deploymentKey(namespace, name);
        log("deployment.apps/" + name + " scaled to " + replicas);
        deployments.get(key).getSpec().setReplicas(replicas);
        run(new Event.Scale(key, replicas), bound);
    }

    /** {@code kubectl rollout restart deployment/NAME}, waiting as {@code kubectl rollout status} would. */
    public void rolloutRestart(String namespace, String name, Duration bound) {
        String restartedAt = Instant.now().toString();
        // kubectl sets the template annotation kubectl.kubernetes.io/restartedAt: a new template, a new ReplicaSet
        roll(namespace, name, "restarted", proto -> {
            Map<String, String> annotations = new LinkedHashMap<>(Optional.ofNullable(proto.getMetadata().getAnnotations()).orElse(Map.of()));
            annotations.put("kubectl.kubernetes.io/restartedAt", restartedAt);
            proto.getMetadata().setAnnotations(annotations);
        }, bound);
    }

    /** {@code kubectl set env deployment/NAME KEY=VALUE} (value null: {@code KEY-}) on every container: a rollout. */
    public void setEnv(String namespace, String name, String variable, String value, Duration bound) {
        roll(namespace, name, "env updated", proto -> proto.getSpec().getContainers().forEach(c -> {
            List<io.fabric8.kubernetes.api.model.EnvVar> env = new ArrayList<>(Optional.ofNullable(c.getEnv()).orElse(List.of()));
            env.removeIf(v -> v.getName().equals(variable));
            if (value != null) {
                env.add(new io.fabric8.kubernetes.api.model.EnvVar(variable, value, null));
            }
            c.setEnv(env);
        }), bound);
    }

    /**
     * {@code kubectl set env deployment/NAME --list}: per container of the current template, a comment line naming it,
     * then one {@code NAME=VALUE} line per variable.
     */
    public List<String> envList(String namespace, String name) {
        Map<Integer, Pod> revisions = prototypes.get(deploymentKey(namespace, name));
        List<String> lines = new ArrayList<>();
        for (var c : revisions.get(revisions.size()).getSpec().getContainers()) {
            lines.add("# Deployment " + name + ", container " + c.getName());
            Optional.ofNullable(c.getEnv()).orElse(List.of()).forEach(v -> lines.add(v.getName() + "="
                    + Optional.ofNullable(v.getValue()).orElse("")));
        }
        return lines;
    }

    /** The value of an env variable in the Deployment's current pods, if set. */
    public Optional<String> env(String namespace, String name, String variable) {
        Map<Integer, Pod> revisions = prototypes.get(deploymentKey(namespace, name));
        return revisions.get(revisions.size()).getSpec().getContainers().stream()
                .flatMap(c -> Optional.ofNullable(c.getEnv()).orElse(List.of()).stream())
                .filter(v -> v.getName().equals(variable)).map(v -> v.getValue()).findFirst();
    }

    private void roll(String namespace, String name, String what, java.util.function.Consumer<Pod> change, Duration bound) {
        String key = deploymentKey(namespace, name);
        Map<Integer, String> revisions = replicaSets.get(key);
        int next = revisions.size() + 1;
        Pod proto = Serialization.clone(prototypes.get(key).get(next - 1));
        change.accept(proto);
        prototypes.get(key).put(next, proto);
        revisions.put(next, name + "-" + suffix(key + "@" + Serialization.asJson(proto.getSpec()) + proto.getMetadata().getAnnotations()));
        log("deployment.apps/" + name + " " + what);
        run(new Event.RolloutRestart(key), bound);
    }

    /** The pods of the cluster as they run now. */
    public List<RunningPod> pods() {
        return runtime.pods();
    }

    public ClusterRuntime runtime() {
        return runtime;
    }

    private String deploymentKey(String namespace, String name) {
        String key = namespace + "/" + name;
        if (!deployments.containsKey(key)) {
            throw new Refused("deployments.apps \"" + name + "\" not found in namespace " + namespace);
        }
        return key;
    }

    // ---- the loop ----

    private void run(Event first, Duration bound) {
        run(List.of(first), bound);
    }

    private void run(List<Event> first, Duration bound) {
        try {
            loop(first, bound);
        } finally {
            // whatever happened, cluster.yaml names every pod that exists (the journal has their processes)
            probing = List.of();
            for (Reconciler.Pod mp : model.pods()) {
                RunningPod p = running(mp.name());
                if (p != null && (mp.phase() == Reconciler.Phase.SUCCEEDED || mp.phase() == Reconciler.Phase.FAILED)) {
                    // restartPolicy Never (or OnFailure after a success): the pod has ended, kubelet restarts nothing
                    PodStatus.running(p.pod(), false);
                    p.pod().getStatus().setPhase(mp.phase() == Reconciler.Phase.SUCCEEDED ? "Succeeded" : "Failed");
                }
            }
            runtime.writeClusterYaml();
        }
    }

    private void loop(List<Event> verb, Duration bound) {
        List<Action> actions = new ArrayList<>();
        // no daemon watched the pods since the last verb: kubelet's first look, before the verb's own change
        List<Event.Exited> exited = new ArrayList<>();
        for (Reconciler.Pod mp : model.pods()) {
            RunningPod p = running(mp.name());
            List<String> dead = p == null ? List.of() : exited(p);
            boolean running = mp.phase() == Reconciler.Phase.RUNNING;
            // a pod an earlier verb left terminating ends once all its containers have
            if (!dead.isEmpty() && (running || mp.phase() == Reconciler.Phase.TERMINATING && dead.size() == containers(p).size())) {
                log("pod/" + name(mp.name()) + " container " + dead.get(0) + " exited since the last verb");
                if (running) {
                    notReady(p);
                }
                exited.add(new Event.Exited(mp.name(), dead.get(0), EXIT_UNKNOWN));
            }
        }
        try {
            for (Event e : Reconciler.resumed(exited, verb)) {
                actions.addAll(model.on(e));
            }
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        if (!proberStarted) {
            // the change is valid: kube-proxy's first sync after a (re)start is a full one; here it also lets this
            // process know what is applied, so the syncs during the change write only what changed (the first sync
            // in a process is the slow one: seconds on a loaded machine, which would eat into a pod's drain)
            runtime.sync();
            lastSyncNanos = System.nanoTime();
            log("data plane re-read and synced");
        }
        execute(actions);
        if (!proberStarted) {
            proberStarted = true;
            startProber();
        }
        long deadline = System.nanoTime() + bound.toNanos();
        while (!model.settled()) {
            if (System.nanoTime() > deadline) {
                throw new LabException("the cluster did not settle within " + bound.toSeconds() + " s; pods now: "
                        + model.pods().stream().map(p -> p.name() + " " + p.phase() + (p.ready() ? " ready" : "")).toList());
            }
            Event e;
            while ((e = reported.poll()) != null) {
                if (e instanceof Event.Readiness r) {
                    RunningPod p = running(r.pod());
                    if (p == null || model.pod(r.pod()) == null || p.ready() == r.ready()) {
                        continue;
                    }
                    p.ready(r.ready());
                    PodStatus.running(p.pod(), r.ready());
                    log("pod/" + name(r.pod()) + " readiness " + (r.ready() ? "UP" : "DOWN"));
                }
                execute(model.on(e));
            }
            while (!timers.isEmpty() && timers.peek().due() <= System.nanoTime()) {
                execute(model.on(timers.poll().event()));
            }
            observe();
            Sleep.ms(20);
        }
        log("settled");
    }

    /** What kubelet sees: processes that exited (here), readiness that changed (the prober thread's reports). */
    private void observe() {
        List<RunningPod> toProbe = new ArrayList<>();
        for (Reconciler.Pod mp : model.pods()) {
            RunningPod p = running(mp.name());
            if (p == null || mp.phase() == Reconciler.Phase.PENDING || mp.phase() == Reconciler.Phase.GONE) {
                continue;
            }
            List<String> dead = exited(p);
            boolean allDead = dead.size() == containers(p).size();
            if (!dead.isEmpty() && (mp.phase() == Reconciler.Phase.RUNNING || mp.phase() == Reconciler.Phase.TERMINATING && allDead)) {
                log("pod/" + name(mp.name()) + " container " + dead.get(0) + " exited");
                if (mp.phase() == Reconciler.Phase.RUNNING) {
                    notReady(p);
                }
                execute(model.on(new Event.Exited(mp.name(), dead.get(0), EXIT_UNKNOWN)));
                continue;
            }
            // kubelet probes every pod; the lab probes the ones whose readiness the change can move
            if (dead.isEmpty() && (!mp.ready() || mp.phase() == Reconciler.Phase.TERMINATING)) {
                toProbe.add(p);
            }
        }
        probing = List.copyOf(toProbe);
    }

    /**
     * kubelet's view of a pod's containers (init sidecars, then containers): those whose process, the newest the
     * journal recorded, is gone, or that have none recorded at all. An add-on pod's one container is its stand-in
     * (dnsmasq, nginx): exited when a stand-in process it started is gone.
     */
    static List<String> exited(RunningPod p) {
        if (p.addon().isPresent()) {
            return p.processes().values().stream().allMatch(s -> Procs.alive(s.pid(), s.startTime())) ? List.of() : containers(p);
        }
        return containers(p).stream().filter(c -> {
            Started s = p.processes().get(c);
            return s == null || !Procs.alive(s.pid(), s.startTime());
        }).toList();
    }

    private static List<String> containers(RunningPod p) {
        return dev.netpaths.lab.pod.PodRunner.containers(p.pod()).stream().map(Container::getName).toList();
    }

    /** kubelet's status update on an exit: Ready and ContainersReady False (the EndpointSlice controller reads it). */
    private static void notReady(RunningPod p) {
        p.ready(false);
        PodStatus.running(p.pod(), false);
    }

    /** kubelet's prober, off the loop (a probe of a starting JVM takes up to its timeout): reports changes as events. */
    private void startProber() {
        Thread prober = new Thread(() -> {
            // one prober per pod at a time, as kubelet's workers: a slow probe of a starting JVM delays no other pod
            java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "probe");
                t.setDaemon(true);
                return t;
            });
            while (!Thread.currentThread().isInterrupted()) {
                List<java.util.concurrent.Future<?>> round = new ArrayList<>();
                for (RunningPod p : probing) {
                    round.add(workers.submit(() -> {
                        try {
                            boolean ready = runtime.probeOne(p);
                            if (ready != p.ready()) {
                                reported.add(new Event.Readiness(p.key(), ready));
                            }
                        } catch (LabException exited) {
                            // the loop sees the exit itself
                        }
                    }));
                }
                for (var f : round) {
                    try {
                        f.get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception slow) {
                        f.cancel(true);
                    }
                }
                Sleep.ms(PROBE_EVERY.toMillis());
            }
        }, "prober");
        prober.setDaemon(true);
        prober.start();
    }

    private void execute(List<Action> batch) {
        boolean synced = false;
        // the controllers act concurrently in a cluster: kubelet wiring a new pod's sandbox (seconds on a loaded
        // machine) does not hold up the timers armed with it (kube-proxy's next sync, a grace period)
        List<Action> actions = new ArrayList<>(batch.stream().filter(a -> !(a instanceof Action.CreatePod)).toList());
        batch.stream().filter(Action.CreatePod.class::isInstance).forEach(actions::add);
        for (Action a : actions) {
            if (a instanceof Action.PublishEndpoints pe) {
                for (Reconciler.Endpoint e : pe.endpoints()) {
                    RunningPod p = running(e.pod());
                    if (e.terminating() && p != null && p.pod().getMetadata().getDeletionTimestamp() == null) {
                        p.pod().getMetadata().setDeletionTimestamp(Instant.now().toString());
                    }
                }
                runtime.publish();
                List<Reconciler.Endpoint> changed = pe.endpoints().stream().filter(e -> !lastPublished.contains(e)).toList();
                List<String> removed = lastPublished.stream().map(Reconciler.Endpoint::pod)
                        .filter(pod -> pe.endpoints().stream().noneMatch(e -> e.pod().equals(pod))).toList();
                lastPublished = pe.endpoints();
                log("endpoints " + changed.stream().map(e -> name(e.pod()) + " ready=" + e.ready() + " serving=" + e.serving()
                        + " terminating=" + e.terminating()).toList() + (removed.isEmpty() ? "" : " removed " + removed.stream().map(LiveCluster::name).toList()));
            } else if (a instanceof Action.PublishSlices ps) {
                runtime.publish();
                log("endpointslices of service/" + name(ps.service()) + (ps.deleted() ? " collected" : " written"));
            } else if (a instanceof Action.SyncKubeProxy || a instanceof Action.SyncDns || a instanceof Action.SyncAnnouncements
                    || a instanceof Action.SyncEntryPoints || a instanceof Action.SyncPolicy) {
                if (!synced) {
                    // ClusterRuntime.sync: kube-proxy on every node, DNS, the entry points, the L2 announcements
                    runtime.sync();
                    lastSyncNanos = System.nanoTime();
                    synced = true;
                    log("data plane synced: kube-proxy on " + runtime.plan().nodes().size() + " nodes, dns, entry points, metallb");
                }
            } else if (a instanceof Action.Signal s) {
                signal(s.pod(), s.signal());
            } else if (a instanceof Action.RunPreStop s) {
                preStop(s.pod());
            } else if (a instanceof Action.ArmTimer t) {
                long after = t.after().toNanos();
                if (t.event() instanceof Event.SyncDue) {
                    // kube-proxy's BoundedFrequencyRunner (kubernetes/kubernetes pkg/util/async/
                    // bounded_frequency_runner.go, tryRun) syncs at once when its limiter allows it, i.e. when the
                    // last sync is a min-sync-period ago; otherwise when that period is up
                    after = Math.max(0, after - (System.nanoTime() - lastSyncNanos));
                    if (after == 0) {
                        execute(model.on(t.event()));
                        continue;
                    }
                }
                timers.add(new Timed(System.nanoTime() + after, System.nanoTime(), t.event()));
            } else if (a instanceof Action.CreatePod c) {
                create(c);
            } else if (a instanceof Action.RemoveSandbox r) {
                removeSandbox(r.pod());
            } else if (a instanceof Action.RestartContainer r) {
                RunningPod p = running(r.pod());
                // the lab restarts a pod's whole container set, with the count kubelet reports: what still runs of
                // it stops first (a sidecar, dnsmasq's second process), so the new processes find their ports free
                List.copyOf(p.processes().values()).forEach(dev.netpaths.lab.proc.Launcher::stop);
                p.processes().clear();
                runtime.restartContainers(p, r.restartCount());
                log("pod/" + name(r.pod()) + " container " + r.container() + " restarted (restart count " + r.restartCount() + ")");
            }
        }
    }

    private void signal(String pod, String signal) {
        RunningPod p = running(pod);
        List<Started> live = p.processes().values().stream().filter(s -> Procs.alive(s.pid(), s.startTime())).toList();
        log("pod/" + name(pod) + " SIG" + signal + (live.isEmpty() ? " (no container process left to signal)" : ""));
        live.forEach(s -> ProcessHandle.of(s.pid()).ifPresent("KILL".equals(signal) ? ProcessHandle::destroyForcibly : ProcessHandle::destroy));
    }

    /** kubelet runs the hook in the container (here: the pod's network namespace), bounded by the grace period. */
    private void preStop(String pod) {
        RunningPod p = running(pod);
        Container c = p.pod().getSpec().getContainers().stream().filter(x -> preStop(x) != null).findFirst().orElseThrow();
        LifecycleHandler h = preStop(c);
        long grace = Optional.ofNullable(p.pod().getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
        log("pod/" + name(pod) + " preStop");
        if (h.getSleep() != null) {
            timers.add(new Timed(System.nanoTime() + Duration.ofSeconds(h.getSleep().getSeconds()).toNanos(), System.nanoTime(),
                    new Event.PreStopDone(pod)));
        } else if (h.getExec() != null) {
            List<String> cmd = new ArrayList<>(List.of(Sh.inNs(p.netns())));
            cmd.addAll(h.getExec().getCommand());
            Thread hook = new Thread(() -> {
                Sh.tryRun(Duration.ofSeconds(grace), cmd.toArray(String[]::new));
                reported.add(new Event.PreStopDone(pod));
            }, "preStop " + pod);
            hook.setDaemon(true);
            hook.start();
        } else {
            throw new LabException("pod " + pod + ": only exec and sleep preStop hooks are modelled");
        }
    }

    private void create(Action.CreatePod c) {
        String rs = replicaSets.get(c.deployment()).get(c.revision());
        Pod proto = prototypes.get(c.deployment()).get(c.revision());
        String podName = name(c.pod());
        Map<String, String> labels = new LinkedHashMap<>(proto.getMetadata().getLabels());
        labels.put("pod-template-hash", rs.substring(name(c.deployment()).length() + 1));
        Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName(podName).withNamespace(proto.getMetadata().getNamespace()).withLabels(labels)
                .withAnnotations(proto.getMetadata().getAnnotations())
                .withOwnerReferences(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withApiVersion("apps/v1")
                        .withKind("ReplicaSet").withName(rs).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(Serialization.clone(proto.getSpec()))
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
        pod.getSpec().setNodeName(null);
        RunningPod p = runtime.startPod(cfg.prefix(), pod);
        log("pod/" + podName + " created on " + p.node().name() + " with IP " + p.ip());
        execute(model.on(new Event.Started(c.pod())));
    }

    /** CNI DEL in the node, then the pod's namespace goes (its journal lines stay: down skips what is gone). */
    private void removeSandbox(String pod) {
        RunningPod p = running(pod);
        // kubelet kills what is left of a pod one of whose containers ended it (the lab's one-exit simplification)
        p.processes().values().stream().filter(s -> Procs.alive(s.pid(), s.startTime()))
                .forEach(s -> ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly));
        new Journal(cfg.stateDir()).read().stream().filter(Entry.Cni.class::isInstance).map(Entry.Cni.class::cast)
                .filter(c -> c.podNs().equals(p.netns())).forEach(c -> {
                    try {
                        Sh.exec(Files.readString(Path.of(c.conf())), List.of(), Duration.ofSeconds(5), Sh.inNs(c.nodeNs(), "env",
                                "CNI_COMMAND=DEL", "CNI_CONTAINERID=" + c.containerId(), "CNI_NETNS=/var/run/netns/" + c.podNs(),
                                "CNI_IFNAME=eth0", "CNI_PATH=/usr/lib/cni", "/usr/lib/cni/" + c.plugin()));
                    } catch (IOException e) {
                        log("CNI DEL for " + p.netns() + " skipped: " + e.getMessage());
                    }
                });
        Sh.tryRun(Duration.ofSeconds(10), "ip", "netns", "delete", p.netns());
        Teardown.deleteRecursively(Path.of("/etc/netns", p.netns()));
        runtime.removePod(p);
        log("pod/" + name(pod) + " gone (sandbox removed)");
    }

    private RunningPod running(String key) {
        return runtime.pods().stream().filter(p -> p.key().equals(key)).findFirst().orElse(null);
    }

    private String newPodName(Reconciler.Deployment d, int n) {
        String ns = d.name().substring(0, d.name().indexOf('/'));
        Map<Integer, String> revisions = replicaSets.get(d.name());
        String rs = revisions.get(revisions.size());
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            s.append(ALPHANUMS.charAt(random.nextInt(ALPHANUMS.length())));
        }
        return ns + "/" + rs + "-" + s;
    }

    /** A stable 10-character name part from the alphabet, for a new ReplicaSet's pod-template-hash. */
    private static String suffix(String seed) {
        long h = 0x811c9dc5L;
        for (byte b : seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = ((h ^ (b & 0xff)) * 0x01000193L) & 0xFFFFFFFFL;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            s.append(ALPHANUMS.charAt((int) (h % ALPHANUMS.length())));
            h = h / ALPHANUMS.length() + (long) seed.length() * 7919 + i;
        }
        return s.toString();
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    private static String name(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    private void log(String what) {
        out.printf("%7.2f s  %s%n", (System.nanoTime() - t0) / 1e9, what);
    }
}

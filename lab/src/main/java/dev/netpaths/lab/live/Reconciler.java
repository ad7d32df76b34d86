package dev.netpaths.lab.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What a cluster's controllers do, and in which order, when a pod or a Deployment changes: a pure state machine
 * (no processes, no clock). The lab's driver feeds it {@link Event}s (what kubelet, the probes and the user report)
 * and executes the {@link Action}s it returns, in order; a {@link Action.ArmTimer} comes back as its event later.
 *
 * <p>Upstream behaviour it follows (kubernetes/kubernetes):
 * <ul>
 *   <li>EndpointSlice controller, {@code staging/src/k8s.io/endpointslice/utils.go} {@code podToEndpoint}:
 *   {@code serving} is the pod's Ready condition, {@code terminating} is {@code deletionTimestamp != nil},
 *   {@code ready = serving && !terminating}. A deleted pod's endpoint stays, terminating, until the pod is gone;
 *   Succeeded/Failed pods have none.</li>
 *   <li>kube-proxy, {@code pkg/proxy/topology.go} {@code CategorizeEndpoints}: ready endpoints, and only when a
 *   Service has none, the serving terminating ones. Its rules change on the next sync, not at once: syncs are
 *   at most one per {@code --iptables-min-sync-period} (1 s by default), which is why a pod that stops at the
 *   moment it is deleted loses requests, and why preStop sleeps and drain delays exist. The other watchers of
 *   EndpointSlices (CoreDNS, MetalLB's speaker, the ingress and gateway controllers) follow in the same sync
 *   here: kube-proxy on every node, then DNS records, then L2 announcements, then the entry-point configs.</li>
 *   <li>kubelet on deletion: the preStop hook, then SIGTERM, SIGKILL when {@code terminationGracePeriodSeconds}
 *   (counted from the deletion, preStop included) runs out; a container that exits while the pod runs is
 *   restarted per {@code restartPolicy} with {@code restartCount + 1}: every pod's, whoever owns it. A Deployment's
 *   or DaemonSet's template may only say {@code Always} ({@code pkg/apis/apps/validation/validation.go}
 *   {@code ValidatePodTemplateSpecForReplicaSet}, {@code ValidateDaemonSetSpec}); so the pods of a DaemonSet and of
 *   the add-ons' Deployments ({@link #adoptPod}) are restarted as a Deployment's are, but no controller here
 *   scales or replaces them.</li>
 *   <li>Deployment controller, {@code pkg/controller/deployment/rolling.go} {@code rolloutRolling}: scale the new
 *   ReplicaSet up to {@code replicas + maxSurge} pods in all ({@code deployment_util.go NewRSNewReplicas}), then
 *   old ones down: first their not-ready pods, then as many as keep {@code replicas - maxUnavailable} available
 *   ({@code reconcileOldReplicaSets}, {@code cleanupUnhealthyReplicas}, {@code scaleDownOldReplicaSetsForRollingUpdate});
 *   {@code ResolveFenceposts} rounds maxSurge up and maxUnavailable down and makes maxUnavailable 1 when both are 0.
 *   A terminating pod no longer counts (the ReplicaSet controller counts active pods only), so its replacement
 *   starts at once. Which pod goes first follows {@code pkg/controller/controller_utils.go ActivePodsWithRanks}
 *   as far as the lab tells pods apart: not running before running, not ready before ready, newer before older.</li>
 * </ul>
 * Simplified: minReadySeconds 0 (ready is available); one container's exit ends a terminating pod; no
 * CrashLoopBackOff delay ({@link Action.RestartContainer} at once); Scale during a rollout is not proportional.
 */
public final class Reconciler {
    /** kube-proxy's {@code --iptables-min-sync-period} default (pkg/proxy/apis/config/v1alpha1/defaults.go). */
    public static final Duration PROXY_SYNC_PERIOD = Duration.ofSeconds(1);

    /** What the pod template says about stopping: grace period, whether a preStop hook exists, restart policy. */
    public record Template(int graceSeconds, boolean preStop, String restartPolicy) {
        public Template {
            if (!List.of("Always", "OnFailure", "Never").contains(restartPolicy)) {
                throw new IllegalArgumentException("restartPolicy must be Always, OnFailure or Never, got " + restartPolicy);
            }
        }
    }

    /** A Deployment as the controller reads it; maxSurge/maxUnavailable already resolved ({@link #fenceposts}). */
    public record Deployment(String name, int replicas, int maxSurge, int maxUnavailable, Template template) {
    }

    public enum Phase { PENDING, RUNNING, TERMINATING, SUCCEEDED, FAILED, GONE }

    /** One pod as the model sees it. */
    public static final class Pod {
        final String name;
        final String owner;
        final int revision;
        final long created;
        final Template template;
        /** Restarted by this model and not ready again yet (a pod no Deployment here counts: {@link #adoptPod}). */
        boolean awaitingReady;
        Phase phase = Phase.PENDING;
        boolean ready;
        int restarts;

        Pod(String name, String owner, int revision, long created, Template template) {
            this.name = name;
            this.owner = owner;
            this.revision = revision;
            this.created = created;
            this.template = template;
        }

        public String name() {
            return name;
        }

        public Phase phase() {
            return phase;
        }

        public boolean ready() {
            return ready;
        }

        public int restarts() {
            return restarts;
        }

        /** The Deployment (as adopted) or other controller ({@link #adoptPod}) that owns it. */
        public String owner() {
            return owner;
        }

        boolean active() {
            return phase == Phase.PENDING || phase == Phase.RUNNING;
        }
    }

    /** The endpoint the EndpointSlice controller publishes for a pod. */
    public record Endpoint(String pod, boolean ready, boolean serving, boolean terminating) {
        @Override
        public String toString() {
            return pod + "(ready=" + ready + ",serving=" + serving + ",terminating=" + terminating + ")";
        }
    }

    /** What the driver and the user report. */
    public sealed interface Event {
        /** {@code kubectl delete pod}: deletionTimestamp set. */
        record DeletePod(String pod) implements Event {
        }

        /** {@code kubectl scale deployment --replicas}. */
        record Scale(String deployment, int replicas) implements Event {
        }

        /** {@code kubectl rollout restart}: a new template revision (the restartedAt annotation). */
        record RolloutRestart(String deployment) implements Event {
        }

        /** kubelet: sandbox wired, containers started (not yet ready). */
        record Started(String pod) implements Event {
        }

        /** A readiness probe result that changes the pod's Ready condition. */
        record Readiness(String pod, boolean ready) implements Event {
        }

        /** A container process exited (for a terminating pod: the pod's end). */
        record Exited(String pod, String container, int code) implements Event {
        }

        /** The preStop hook returned. */
        record PreStopDone(String pod) implements Event {
        }

        /** terminationGracePeriodSeconds ran out. */
        record GraceExpired(String pod) implements Event {
        }

        /** kube-proxy's (and the other watchers') next sync is due. */
        record SyncDue() implements Event {
        }

        /**
         * {@code kubectl apply} or {@code delete} of an object other than a pod: {@code kind} as the API names it,
         * {@code key} namespace/name. Who watches that kind acts (a Deployment's replicas come as {@link Scale}).
         */
        record ObjectChanged(String kind, String key, boolean deleted) implements Event {
        }
    }

    /** What the cluster does, in the order returned. */
    public sealed interface Action {
        /** ReplicaSet controller + scheduler + kubelet: a new pod (sandbox, CNI ADD, containers). */
        record CreatePod(String pod, String deployment, int revision) implements Action {
        }

        /** EndpointSlice controller: the endpoints of every pod that has one, after this change. */
        record PublishEndpoints(List<Endpoint> endpoints) implements Action {
        }

        record SyncKubeProxy(String node) implements Action {
        }

        /** EndpointSlice controller: one Service's slices written (a new or changed Service) or collected (deleted). */
        record PublishSlices(String service, boolean deleted) implements Action {
        }

        /** The CNI's policy agent on a node (Calico's felix, weave-npc): the NetworkPolicy rules rewritten. */
        record SyncPolicy(String node) implements Action {
        }

        record SyncDns() implements Action {
        }

        record SyncAnnouncements() implements Action {
        }

        record SyncEntryPoints() implements Action {
        }

        record RunPreStop(String pod) implements Action {
        }

        record Signal(String pod, String signal) implements Action {
        }

        record RemoveSandbox(String pod) implements Action {
        }

        record RestartContainer(String pod, String container, int restartCount) implements Action {
        }

        /** Deliver {@code event} after {@code after}. */
        record ArmTimer(Event event, Duration after) implements Action {
        }
    }

    private final List<String> nodes;
    private final Duration syncPeriod;
    private final BiFunction<Deployment, Integer, String> namer;
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, Integer> revisions = new LinkedHashMap<>();
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private List<Endpoint> published = List.of();
    private List<Endpoint> synced = List.of();
    private boolean syncArmed;
    /** A Service changed since the last sync: the watchers sync even when no pod's endpoint changed. */
    private boolean servicesChanged;
    private long sequence;

    /**
     * @param nodes      the nodes kube-proxy runs on
     * @param syncPeriod delay from an EndpointSlice change to the data plane's sync ({@link #PROXY_SYNC_PERIOD})
     * @param namer      names a deployment's n-th pod of its current revision
     */
    public Reconciler(List<String> nodes, Duration syncPeriod, BiFunction<Deployment, Integer, String> namer) {
        this.nodes = List.copyOf(nodes);
        this.syncPeriod = syncPeriod;
        this.namer = namer;
    }

    /** ResolveFenceposts: maxSurge rounded up, maxUnavailable down (both as "25%" or "1"); both 0 makes maxUnavailable 1. */
    public static int[] fenceposts(String maxSurge, String maxUnavailable, int replicas) {
        int surge = scaled(maxSurge == null ? "25%" : maxSurge, replicas, true);
        int unavailable = scaled(maxUnavailable == null ? "25%" : maxUnavailable, replicas, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    private static int scaled(String value, int replicas, boolean roundUp) {
        try {
            if (value.endsWith("%")) {
                int percent = Integer.parseInt(value.substring(0, value.length() - 1));
                return (int) (roundUp ? Math.ceil(percent * replicas / 100.0) : Math.floor(percent * replicas / 100.0));
            }
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number or percentage: '" + value + "'");
        }
    }

    /** A Deployment whose pods exist already, all running and ready (what {@code up} left), without actions. */
    public void adopt(Deployment d, List<String> readyPods) {
        Map<String, Boolean> ready = new LinkedHashMap<>();
        readyPods.forEach(p -> ready.put(p, true));
        adopt(d, ready);
    }

    /** A Deployment whose pods run already (pod name to its Ready condition), without actions. */
    public void adopt(Deployment d, Map<String, Boolean> runningPods) {
        deployments.put(d.name(), d);
        revisions.put(d.name(), 1);
        runningPods.forEach((name, ready) -> {
            Pod p = new Pod(name, d.name(), 1, sequence++, d.template());
            p.phase = Phase.RUNNING;
            p.ready = ready;
            pods.put(name, p);
        });
        published = endpoints();
        synced = published;
    }

    /**
     * A running pod that no Deployment of this model owns: a DaemonSet's (the callers), or an add-on's whose stand-in
     * the lab runs (DNS, the entry points). kubelet restarts its exited containers per {@code template}'s
     * restartPolicy, with {@code restarts} (its recorded count) + 1, and a verb waits until it is ready again; no
     * controller here scales, rolls or replaces it.
     */
    public void adoptPod(String pod, String owner, Template template, boolean ready, int restarts) {
        if (deployments.containsKey(owner)) {
            throw new IllegalArgumentException("pod " + pod + ": " + owner + " is a Deployment of this model (adopt it with its Deployment)");
        }
        Pod p = new Pod(pod, owner, 1, sequence++, template);
        p.phase = Phase.RUNNING;
        p.ready = ready;
        p.restarts = restarts;
        pods.put(pod, p);
        published = endpoints();
        synced = published;
    }

    /** The restart count kubelet last reported for an adopted pod (a later restart counts on from it). */
    public void restartCount(String pod, int restarts) {
        existing(pod).restarts = restarts;
    }

    /**
     * A pod of {@code deployment} that a verb deleted and left terminating (it ran out of its bound, or was killed):
     * not counted by its ReplicaSet; it ends when its container exits ({@link Event.Exited}), as any terminating pod.
     */
    public void adoptTerminating(String deployment, String pod) {
        Deployment d = deployment(deployment);
        Pod p = new Pod(pod, d.name(), revisions.get(d.name()), sequence++, d.template());
        p.phase = Phase.TERMINATING;
        pods.put(pod, p);
        published = endpoints();
        synced = published;
    }

    /** The endpoints as last published. */
    public List<Endpoint> published() {
        return published;
    }

    public List<Pod> pods() {
        return List.copyOf(pods.values());
    }

    public Pod pod(String name) {
        return pods.get(name);
    }

    /**
     * True when every Deployment has its replicas, all of the current revision and ready, nothing terminates, and
     * every other pod this model restarted is ready again.
     */
    public boolean settled() {
        if (pods.values().stream().anyMatch(p -> p.awaitingReady)) {
            return false;
        }
        for (Deployment d : deployments.values()) {
            List<Pod> mine = pods.values().stream().filter(p -> p.owner.equals(d.name()) && p.phase != Phase.GONE).toList();
            if (mine.size() != d.replicas() || !mine.stream().allMatch(p -> p.ready && p.phase == Phase.RUNNING
                    && p.revision == revisions.get(d.name()))) {
                return false;
            }
        }
        return !syncArmed;
    }

    /**
     * The events a verb feeds when it resumes the lab: there is no daemon, so a container that exited since the last
     * verb is noticed only now. kubelet's status update comes first (PLEG sees the exit: the pod's Ready condition
     * False, so the EndpointSlice controller takes its endpoint out of the ready ones and the ReplicaSet ranks the pod
     * first to go), then the verb's own events, then the exits themselves: a pod the verb deleted (delete pod, a
     * scale-down's victim) ends at once, as kubelet restarts no container of a terminating pod, so its deletion waits
     * for no SIGTERM; any other is restarted per its restartPolicy with its restart count + 1.
     *
     * @param exitedSinceLastVerb what kubelet finds now: the exits of containers of pods the model knows
     * @param verb                the verb's events (none for a verb that only resumes)
     */
    public static List<Event> resumed(List<Event.Exited> exitedSinceLastVerb, List<Event> verb) {
        // one exit per pod: the lab restarts a pod's whole container set (single-container pods)
        Map<String, Event.Exited> first = new LinkedHashMap<>();
        exitedSinceLastVerb.forEach(e -> first.putIfAbsent(e.pod(), e));
        List<Event> out = new ArrayList<>();
        first.keySet().forEach(pod -> out.add(new Event.Readiness(pod, false)));
        out.addAll(verb);
        out.addAll(first.values());
        return out;
    }

    /**
     * Applies one event and returns what the cluster does about it.
     *
     * @throws IllegalArgumentException for a user's event (delete, scale, rollout) naming a pod or Deployment that does
     *                                  not exist, or a bad replica count (nothing changes); the driver's events about a
     *                                  pod that is gone already (a grace timer that outlived it) are ignored
     */
    public List<Action> on(Event event) {
        List<Action> out = new ArrayList<>();
        if (stale(event)) {
            // a timer or report about a pod that is gone already (its grace timer outlives it): nothing to do
            return out;
        }
        if (event instanceof Event.DeletePod e) {
            Pod p = existing(e.pod());
            if (p.phase == Phase.TERMINATING) {
                return out;
            }
            terminate(p, out);
        } else if (event instanceof Event.Scale e) {
            Deployment d = deployment(e.deployment());
            if (e.replicas() < 0) {
                throw new IllegalArgumentException("replicas must be 0 or more, got " + e.replicas());
            }
            deployments.put(d.name(), new Deployment(d.name(), e.replicas(), d.maxSurge(), d.maxUnavailable(), d.template()));
        } else if (event instanceof Event.RolloutRestart e) {
            deployment(e.deployment());
            revisions.merge(e.deployment(), 1, Integer::sum);
        } else if (event instanceof Event.Started e) {
            Pod p = existing(e.pod());
            if (p.phase == Phase.PENDING) {
                p.phase = Phase.RUNNING;
            }
        } else if (event instanceof Event.Readiness e) {
            Pod p = existing(e.pod());
            if (p.phase == Phase.RUNNING || p.phase == Phase.TERMINATING) {
                p.ready = e.ready();
                p.awaitingReady &= !e.ready();
            }
        } else if (event instanceof Event.Exited e) {
            exited(existing(e.pod()), e, out);
        } else if (event instanceof Event.PreStopDone e) {
            if (existing(e.pod()).phase == Phase.TERMINATING) {
                out.add(new Action.Signal(e.pod(), "TERM"));
            }
        } else if (event instanceof Event.GraceExpired e) {
            if (existing(e.pod()).phase == Phase.TERMINATING) {
                out.add(new Action.Signal(e.pod(), "KILL"));
            }
        } else if (event instanceof Event.SyncDue) {
            syncArmed = false;
            if (!published.equals(synced) || servicesChanged) {
                servicesChanged = false;
                nodes.forEach(n -> out.add(new Action.SyncKubeProxy(n)));
                out.add(new Action.SyncDns());
                out.add(new Action.SyncAnnouncements());
                out.add(new Action.SyncEntryPoints());
                synced = published;
            }
            return out;
        } else if (event instanceof Event.ObjectChanged e) {
            changed(e, out);
        }
        publish(out);
        rollDeployments(out);
        if ((!published.equals(synced) || servicesChanged) && !syncArmed) {
            syncArmed = true;
            out.add(new Action.ArmTimer(new Event.SyncDue(), syncPeriod));
        }
        return out;
    }

    /**
     * An applied or deleted object: a Service's slices are written at once and the data plane follows at kube-proxy's
     * next sync, as for an endpoint change (kube-proxy, DNS, MetalLB and the entry points all watch Services); a
     * NetworkPolicy goes to the policy agent on every node at once (it watches policies, not kube-proxy's runner);
     * a route (Ingress, HTTPRoute, ReferenceGrant) to the entry-point controllers at once.
     */
    private void changed(Event.ObjectChanged e, List<Action> out) {
        switch (e.kind()) {
            case "Service" -> {
                out.add(new Action.PublishSlices(e.key(), e.deleted()));
                servicesChanged = true;
            }
            case "NetworkPolicy" -> nodes.forEach(n -> out.add(new Action.SyncPolicy(n)));
            case "Ingress", "HTTPRoute", "ReferenceGrant" -> out.add(new Action.SyncEntryPoints());
            default -> throw new IllegalArgumentException("the lab does not reconcile " + e.kind() + " " + e.key());
        }
    }

    private boolean stale(Event event) {
        String pod = event instanceof Event.Started e ? e.pod() : event instanceof Event.Readiness e ? e.pod()
                : event instanceof Event.Exited e ? e.pod() : event instanceof Event.PreStopDone e ? e.pod()
                : event instanceof Event.GraceExpired e ? e.pod() : null;
        return pod != null && !pods.containsKey(pod);
    }

    private void exited(Pod p, Event.Exited e, List<Action> out) {
        if (p.phase == Phase.TERMINATING) {
            p.phase = Phase.GONE;
            p.ready = false;
            publish(out);
            out.add(new Action.RemoveSandbox(p.name));
            pods.remove(p.name);
            return;
        }
        if (p.phase != Phase.RUNNING && p.phase != Phase.PENDING) {
            return;
        }
        String policy = p.template.restartPolicy();
        p.ready = false;
        if ("Always".equals(policy) || ("OnFailure".equals(policy) && e.code() != 0)) {
            p.restarts++;
            p.awaitingReady = !deployments.containsKey(p.owner);
            publish(out);
            out.add(new Action.RestartContainer(p.name, e.container(), p.restarts));
        } else {
            p.phase = e.code() == 0 ? Phase.SUCCEEDED : Phase.FAILED;
            p.awaitingReady = false;
        }
    }

    /** Deletion: the endpoint turns terminating at once, kubelet runs preStop (or SIGTERM) and arms the grace timer. */
    private void terminate(Pod p, List<Action> out) {
        p.phase = Phase.TERMINATING;
        publish(out);
        out.add(p.template.preStop() ? new Action.RunPreStop(p.name) : new Action.Signal(p.name, "TERM"));
        out.add(new Action.ArmTimer(new Event.GraceExpired(p.name), Duration.ofSeconds(p.template.graceSeconds())));
    }

    private void publish(List<Action> out) {
        List<Endpoint> now = endpoints();
        if (!now.equals(published)) {
            published = now;
            out.add(new Action.PublishEndpoints(now));
        }
    }

    /** podToEndpoint for every pod that has an IP and has not ended, by name as the lab's controller orders them. */
    private List<Endpoint> endpoints() {
        return pods.values().stream()
                .filter(p -> p.phase == Phase.RUNNING || p.phase == Phase.TERMINATING)
                .sorted(Comparator.comparing(p -> p.name))
                .map(p -> {
                    boolean terminating = p.phase == Phase.TERMINATING;
                    return new Endpoint(p.name, p.ready && !terminating, p.ready, terminating);
                })
                .toList();
    }

    private void rollDeployments(List<Action> out) {
        for (Deployment d : deployments.values()) {
            // rolloutRolling requeues after every scale; bounded: each round creates or deletes at least one pod
            for (int round = 0; round < 1000 && rollOnce(d.name(), out); round++) {
                publish(out);
            }
        }
    }

    /** One rolloutRolling step; true when it scaled something. */
    private boolean rollOnce(String name, List<Action> out) {
        Deployment d = deployments.get(name);
        int revision = revisions.get(name);
        List<Pod> active = pods.values().stream().filter(p -> p.owner.equals(name) && p.active()).toList();
        List<Pod> fresh = active.stream().filter(p -> p.revision == revision).toList();
        List<Pod> old = active.stream().filter(p -> p.revision != revision).toList();
        // reconcileNewReplicaSet
        if (fresh.size() > d.replicas()) {
            victims(fresh, fresh.size() - d.replicas()).forEach(p -> terminate(p, out));
            return true;
        }
        if (fresh.size() < d.replicas()) {
            int room = d.replicas() + d.maxSurge() - active.size();
            int create = Math.min(room, d.replicas() - fresh.size());
            if (create > 0) {
                for (int i = 0; i < create; i++) {
                    String pod = namer.apply(d, (int) sequence);
                    pods.put(pod, new Pod(pod, name, revision, sequence++, d.template()));
                    out.add(new Action.CreatePod(pod, name, revision));
                }
                return true;
            }
        }
        // reconcileOldReplicaSets
        if (old.isEmpty()) {
            return false;
        }
        int minAvailable = d.replicas() - d.maxUnavailable();
        long newUnavailable = fresh.stream().filter(p -> !p.ready).count();
        long maxScaledDown = active.size() - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        List<Pod> unhealthy = old.stream().filter(p -> !p.ready).limit(maxScaledDown).toList();
        unhealthy.forEach(p -> terminate(p, out));
        long available = active.stream().filter(p -> p.ready).count();
        List<Pod> healthyOld = old.stream().filter(p -> p.ready).toList();
        long scaleDown = Math.min(healthyOld.size(), available - minAvailable);
        if (scaleDown > 0) {
            victims(healthyOld, (int) scaleDown).forEach(p -> terminate(p, out));
        }
        return !unhealthy.isEmpty() || scaleDown > 0;
    }

    /** ActivePodsWithRanks, as far as the model tells pods apart: not running, not ready, then newest first. */
    private static List<Pod> victims(List<Pod> candidates, int n) {
        return candidates.stream()
                .sorted(Comparator.<Pod, Boolean>comparing(p -> p.phase == Phase.RUNNING)
                        .thenComparing(p -> p.ready)
                        .thenComparing(Comparator.<Pod>comparingLong(p -> p.created).reversed()))
                .limit(n).toList();
    }

    private Pod existing(String name) {
        Pod p = pods.get(name);
        if (p == null) {
            throw new IllegalArgumentException("pod " + name + " not found");
        }
        return p;
    }

    private Deployment deployment(String name) {
        Deployment d = deployments.get(name);
        if (d == null) {
            throw new IllegalArgumentException("deployment " + name + " not found");
        }
        return d;
    }
}

package dev.netpaths.lab.live;

import dev.netpaths.lab.live.Reconciler.Action;
import dev.netpaths.lab.live.Reconciler.Deployment;
import dev.netpaths.lab.live.Reconciler.Event;
import dev.netpaths.lab.live.Reconciler.Template;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconcile order over recorded event sequences: one line per action, as the driver would execute them. */
class ReconcilerTest {
    private static final List<String> NODES = List.of("cp", "w1", "w2");
    private static final Template PLAIN = new Template(30, false, "Always");

    private static Reconciler echo(int surge, int unavailable, Template template) {
        Reconciler r = new Reconciler(NODES, Reconciler.PROXY_SYNC_PERIOD, (d, n) -> d.name() + "-new" + n);
        r.adopt(new Deployment("echo", 2, surge, unavailable, template), List.of("echo-a", "echo-b"));
        return r;
    }

    /** Feeds the events in order and renders every action the cluster takes, one string each. */
    private static List<String> play(Reconciler r, Event... events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            r.on(e).forEach(a -> out.add(render(a)));
        }
        return out;
    }

    private static String render(Action a) {
        if (a instanceof Action.PublishEndpoints p) {
            return "endpoints " + p.endpoints().stream().map(e -> e.pod() + ":"
                    + (e.ready() ? "R" : "-") + (e.serving() ? "S" : "-") + (e.terminating() ? "T" : "-")).collect(Collectors.joining(" "));
        }
        if (a instanceof Action.PublishSlices p) {
            return "slices " + p.service() + (p.deleted() ? " collected" : "");
        }
        if (a instanceof Action.SyncPolicy p) {
            return "policy " + p.node();
        }
        if (a instanceof Action.SyncKubeProxy s) {
            return "kube-proxy " + s.node();
        }
        if (a instanceof Action.SyncDns) {
            return "dns";
        }
        if (a instanceof Action.SyncAnnouncements) {
            return "metallb";
        }
        if (a instanceof Action.SyncEntryPoints) {
            return "entry-points";
        }
        if (a instanceof Action.CreatePod c) {
            return "create " + c.pod() + " rev" + c.revision();
        }
        if (a instanceof Action.RunPreStop p) {
            return "preStop " + p.pod();
        }
        if (a instanceof Action.Signal s) {
            return "SIG" + s.signal() + " " + s.pod();
        }
        if (a instanceof Action.RemoveSandbox s) {
            return "remove " + s.pod();
        }
        if (a instanceof Action.RestartContainer c) {
            return "restart " + c.pod() + "/" + c.container() + " count " + c.restartCount();
        }
        Action.ArmTimer t = (Action.ArmTimer) a;
        return "timer " + t.after().toSeconds() + "s " + t.event().getClass().getSimpleName()
                + (t.event() instanceof Event.GraceExpired g ? " " + g.pod() : "");
    }

    private static final List<String> DATA_PLANE = List.of("kube-proxy cp", "kube-proxy w1", "kube-proxy w2", "dns", "metallb", "entry-points");

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void deletedPodIsTerminatingThenNotServingThenGoneAndTheDataPlaneFollowsEachStep() {
        Reconciler r = echo(1, 0, PLAIN);
        assertEquals(List.of(
                "endpoints echo-a:-ST echo-b:RS-",   // EndpointSlice controller: terminating, still serving
                "SIGTERM echo-a",                    // kubelet at the same moment (no preStop)
                "timer 30s GraceExpired echo-a",
                "create echo-new2 rev1",             // the ReplicaSet no longer counts the terminating pod
                "timer 1s SyncDue"), play(r, new Event.DeletePod("echo-a")));
        // echo-service turns readiness DOWN on SIGTERM: serving goes false, the endpoint stays until the pod is gone
        assertEquals(List.of("endpoints echo-a:--T echo-b:RS-"), play(r, new Event.Readiness("echo-a", false)));
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertEquals(List.of("endpoints echo-b:RS-", "remove echo-a", "timer 1s SyncDue"),
                play(r, new Event.Exited("echo-a", "app", 0)));
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertEquals(List.of("endpoints echo-b:RS- echo-new2:---", "timer 1s SyncDue",
                        "endpoints echo-b:RS- echo-new2:RS-"),
                play(r, new Event.Started("echo-new2"), new Event.Readiness("echo-new2", true)));
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertTrue(r.settled());
    }

    @Test
    void theDataPlaneLagsTheSignalByOneSyncPeriodWhichIsWhatADrainCovers() {
        Reconciler r = echo(1, 0, PLAIN);
        List<String> atDelete = play(r, new Event.DeletePod("echo-a"));
        assertTrue(atDelete.indexOf("SIGTERM echo-a") < atDelete.indexOf("timer 1s SyncDue"));
        assertTrue(atDelete.stream().noneMatch(DATA_PLANE::contains), "kube-proxy must not follow before its sync: " + atDelete);
    }

    @Test
    void preStopRunsBeforeSigtermAndSigkillEndsAPodThatOutlivesItsGrace() {
        Reconciler r = echo(1, 0, new Template(8, true, "Always"));
        List<String> actions = play(r, new Event.DeletePod("echo-b"), new Event.PreStopDone("echo-b"), new Event.GraceExpired("echo-b"));
        assertEquals(List.of("endpoints echo-a:RS- echo-b:-ST", "preStop echo-b", "timer 8s GraceExpired echo-b",
                "create echo-new2 rev1", "timer 1s SyncDue", "SIGTERM echo-b", "SIGKILL echo-b"), actions);
        // a second delete of a terminating pod changes nothing, as kubectl delete on a terminating pod
        assertEquals(List.of(), play(r, new Event.DeletePod("echo-b")));
    }

    @Test
    void rolloutWithMaxSurgeOneAndMaxUnavailableZeroAddsOneThenRemovesOneOldPerReadyNewPod() {
        Reconciler r = echo(1, 0, PLAIN);
        assertEquals(List.of("create echo-new2 rev2"), play(r, new Event.RolloutRestart("echo")));
        assertEquals(List.of("endpoints echo-a:RS- echo-b:RS- echo-new2:---", "timer 1s SyncDue"),
                play(r, new Event.Started("echo-new2")));
        // nothing old goes before a new pod is ready: the available count may not drop below replicas - 0
        assertEquals(List.of(
                "endpoints echo-a:RS- echo-b:RS- echo-new2:RS-",
                "endpoints echo-a:RS- echo-b:-ST echo-new2:RS-",   // the newest old pod first
                "SIGTERM echo-b", "timer 30s GraceExpired echo-b",
                "create echo-new3 rev2"), play(r, new Event.Readiness("echo-new2", true)));
        assertEquals(concat(DATA_PLANE, List.of()), play(r, new Event.SyncDue()));
        play(r, new Event.Exited("echo-b", "app", 143), new Event.Started("echo-new3"), new Event.SyncDue());
        assertEquals(List.of(
                "endpoints echo-a:RS- echo-new2:RS- echo-new3:RS-",
                "endpoints echo-a:-ST echo-new2:RS- echo-new3:RS-",
                "SIGTERM echo-a", "timer 30s GraceExpired echo-a", "timer 1s SyncDue"), play(r, new Event.Readiness("echo-new3", true)));
        assertFalse(r.settled());
        play(r, new Event.Exited("echo-a", "app", 143), new Event.SyncDue());
        assertTrue(r.settled());
    }

    @Test
    void rolloutWithMaxUnavailableOneAndNoSurgeRemovesAnOldPodFirst() {
        Reconciler r = echo(0, 1, PLAIN);
        assertEquals(List.of("endpoints echo-a:RS- echo-b:-ST", "SIGTERM echo-b", "timer 30s GraceExpired echo-b",
                "create echo-new2 rev2", "timer 1s SyncDue"), play(r, new Event.RolloutRestart("echo")));
    }

    @Test
    void aContainerThatExitsIsRestartedWithItsRestartCountAndLeavesTheReadyEndpointsMeanwhile() {
        Reconciler r = echo(1, 0, PLAIN);
        assertEquals(List.of("endpoints echo-a:--- echo-b:RS-", "restart echo-a/app count 1", "timer 1s SyncDue"),
                play(r, new Event.Exited("echo-a", "app", 137)));
        play(r, new Event.Readiness("echo-a", true), new Event.SyncDue());
        assertEquals(List.of("endpoints echo-a:--- echo-b:RS-", "restart echo-a/app count 2", "timer 1s SyncDue"),
                play(r, new Event.Exited("echo-a", "app", 1)));
        assertEquals(2, r.pod("echo-a").restarts());
    }

    @Test
    void restartPolicyNeverEndsThePodWithoutAnEndpointAndItsReplicaSetReplacesIt() {
        // (the API allows only Always in a Deployment's template; the ReplicaSet's count of active pods is what matters)
        Reconciler r = new Reconciler(NODES, Reconciler.PROXY_SYNC_PERIOD, (d, n) -> "p" + n);
        r.adopt(new Deployment("job", 1, 0, 1, new Template(30, false, "Never")), List.of("p0"));
        assertEquals(List.of("endpoints ", "create p1 rev1", "timer 1s SyncDue"), play(r, new Event.Exited("p0", "app", 0)));
        assertEquals(Reconciler.Phase.SUCCEEDED, r.pod("p0").phase());
    }

    @Test
    void scalingDownTerminatesTheNewestAndScalingUpCreates() {
        Reconciler r = echo(1, 0, PLAIN);
        assertEquals(List.of("endpoints echo-a:RS- echo-b:-ST", "SIGTERM echo-b", "timer 30s GraceExpired echo-b", "timer 1s SyncDue"),
                play(r, new Event.Scale("echo", 1)));
        assertEquals(List.of("create echo-new2 rev1", "create echo-new3 rev1"), play(r, new Event.Scale("echo", 3)));
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        Reconciler r = echo(1, 0, PLAIN);
        assertEquals("pod echo-zzz not found",
                assertThrows(IllegalArgumentException.class, () -> r.on(new Event.DeletePod("echo-zzz"))).getMessage());
        assertEquals("deployment nope not found",
                assertThrows(IllegalArgumentException.class, () -> r.on(new Event.RolloutRestart("nope"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.on(new Event.Scale("echo", -1)));
        assertEquals(List.of("echo-a", "echo-b"), r.pods().stream().map(Reconciler.Pod::name).toList());
        assertTrue(r.settled());
        assertThrows(IllegalArgumentException.class, () -> new Template(30, false, "Sometimes"));
    }

    @Test
    void aGraceTimerThatOutlivesItsPodChangesNothing() {
        Reconciler r = echo(1, 0, PLAIN);
        play(r, new Event.DeletePod("echo-a"), new Event.Exited("echo-a", "app", 0));
        assertEquals(List.of(), play(r, new Event.GraceExpired("echo-a"), new Event.Readiness("echo-a", false)));
    }

    @Test
    void fencepostsRoundSurgeUpAndUnavailableDownAndNeverBothZero() {
        // the cases in kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go ResolveFenceposts
        assertArrayEquals(new int[] {1, 0}, Reconciler.fenceposts("25%", "25%", 2));
        assertArrayEquals(new int[] {3, 2}, Reconciler.fenceposts(null, null, 10));   // the 25%/25% defaults
        assertArrayEquals(new int[] {0, 1}, Reconciler.fenceposts("0%", "1%", 2));
        assertArrayEquals(new int[] {1, 0}, Reconciler.fenceposts("1%", "0%", 1));
        assertArrayEquals(new int[] {3, 2}, Reconciler.fenceposts("3", "2", 10));
        assertThrows(IllegalArgumentException.class, () -> Reconciler.fenceposts("x", "1", 2));
    }

    @Test
    void aZeroSyncPeriodStillSyncsThroughTheTimerSoTheOrderStaysTheSame() {
        Reconciler r = new Reconciler(NODES, Duration.ZERO, (d, n) -> "n" + n);
        r.adopt(new Deployment("echo", 1, 1, 0, PLAIN), List.of("a"));
        List<String> actions = play(r, new Event.DeletePod("a"));
        assertEquals("timer 0s SyncDue", actions.get(actions.size() - 1));
    }

    @Test
    void anAppliedServiceGetsItsSlicesAtOnceAndTheDataPlaneAtTheNextSync() {
        Reconciler r = echo(1, 0, PLAIN);
        Event applied = new Event.ObjectChanged("Service", "netpaths/echo2", false);
        assertEquals(List.of("slices netpaths/echo2", "timer 1s SyncDue"), play(r, applied));
        assertFalse(r.settled(), "the cluster has not settled before kube-proxy, DNS, MetalLB and the entry points follow");
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertTrue(r.settled());
        // a deleted Service: its slices collected, then the same watchers drop it
        assertEquals(List.of("slices netpaths/echo2 collected", "timer 1s SyncDue"),
                play(r, new Event.ObjectChanged("Service", "netpaths/echo2", true)));
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertEquals(List.of(), play(r, new Event.SyncDue()), "nothing changed since: no sync");
    }

    @Test
    void aServiceAndAPodChangeInOneSyncPeriodShareOneSync() {
        Reconciler r = echo(1, 0, PLAIN);
        List<String> actions = play(r, new Event.ObjectChanged("Service", "netpaths/echo2", false), new Event.DeletePod("echo-a"));
        assertEquals(1, actions.stream().filter(a -> a.startsWith("timer 1s SyncDue")).count(), actions.toString());
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
    }

    @Test
    void aNetworkPolicyGoesToThePolicyAgentOnEveryNodeAtOnceAndARouteToTheEntryPoints() {
        Reconciler r = echo(1, 0, PLAIN);
        assertEquals(List.of("policy cp", "policy w1", "policy w2"),
                play(r, new Event.ObjectChanged("NetworkPolicy", "netpaths-other/deny-all", false)));
        assertTrue(r.settled(), "no kube-proxy sync for a policy");
        assertEquals(List.of("policy cp", "policy w1", "policy w2"),
                play(r, new Event.ObjectChanged("NetworkPolicy", "netpaths-other/deny-all", true)));
        assertEquals(List.of("entry-points"), play(r, new Event.ObjectChanged("HTTPRoute", "netpaths/echo", false)));
        assertEquals(List.of("entry-points"), play(r, new Event.ObjectChanged("Ingress", "netpaths/echo", true)));
        assertTrue(r.settled());
        assertThrows(IllegalArgumentException.class, () -> r.on(new Event.ObjectChanged("ConfigMap", "netpaths/x", false)));
    }

    // ---- a container that exited between verbs: no daemon watched it, the next verb notices (Reconciler.resumed) ----

    @Test
    void deletingAPodWhoseContainerDiedSinceTheLastVerbEndsItAtOnceWithoutARestartOrAGraceWait() {
        Reconciler r = echo(1, 0, PLAIN);
        List<Event> events = Reconciler.resumed(List.of(new Event.Exited("echo-a", "app", 0)), List.of(new Event.DeletePod("echo-a")));
        assertEquals(List.of(
                "endpoints echo-a:--- echo-b:RS-",   // kubelet's status first: not ready, out of the Service's ready endpoints
                "timer 1s SyncDue",
                "endpoints echo-a:--T echo-b:RS-",   // the deletion: terminating
                "SIGTERM echo-a",                    // to no process (the driver signals live ones only)
                "timer 30s GraceExpired echo-a",
                "create echo-new2 rev1",
                "endpoints echo-b:RS-",              // the exit ends the terminating pod: no wait for SIGTERM or grace
                "remove echo-a"), play(r, events.toArray(Event[]::new)));
        assertEquals(null, r.pod("echo-a"));
        // its grace timer, when it fires, changes nothing
        assertEquals(List.of(), play(r, new Event.GraceExpired("echo-a")));
    }

    @Test
    void theExitBeforeTheDeletionWouldRestartAContainerOnlyToStopIt() {
        // why resumed puts the exit after the verb: fed first, the dead container is restarted, then the new one
        // gets SIGTERM and the deletion waits for a JVM that just started
        Reconciler r = echo(1, 0, PLAIN);
        List<String> naive = play(r, new Event.Exited("echo-a", "app", 0), new Event.DeletePod("echo-a"));
        assertTrue(naive.contains("restart echo-a/app count 1"), naive.toString());
        assertFalse(naive.contains("remove echo-a"), naive.toString());
    }

    @Test
    void aVerbThatChangesNothingElseStillRestartsAContainerThatDiedSinceTheLastVerb() {
        Reconciler r = echo(1, 0, PLAIN);
        List<Event> events = Reconciler.resumed(List.of(new Event.Exited("echo-a", "app", 0), new Event.Exited("echo-a", "sidecar", 0)),
                List.of(new Event.Scale("echo", 2)));
        assertEquals(List.of("endpoints echo-a:--- echo-b:RS-", "timer 1s SyncDue", "restart echo-a/app count 1"),
                play(r, events.toArray(Event[]::new)));
        assertEquals(1, r.pod("echo-a").restarts());
        assertFalse(r.settled(), "settled only once the restarted container is ready again");
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertEquals(List.of("endpoints echo-a:RS- echo-b:RS-", "timer 1s SyncDue"), play(r, new Event.Readiness("echo-a", true)));
        play(r, new Event.SyncDue());
        assertTrue(r.settled());
    }

    @Test
    void scalingDownTakesThePodWhoseContainerDiedSinceTheLastVerbAndDoesNotRestartIt() {
        // ActivePodsWithRanks: not ready before ready, even before the newer pod
        Reconciler r = echo(1, 0, PLAIN);
        List<Event> events = Reconciler.resumed(List.of(new Event.Exited("echo-a", "app", 0)), List.of(new Event.Scale("echo", 1)));
        assertEquals(List.of("endpoints echo-a:--- echo-b:RS-", "timer 1s SyncDue",
                "endpoints echo-a:--T echo-b:RS-", "SIGTERM echo-a", "timer 30s GraceExpired echo-a",
                "endpoints echo-b:RS-", "remove echo-a"), play(r, events.toArray(Event[]::new)));
    }

    @Test
    void withNothingExitedAResumedVerbIsItsOwnEventsAlone() {
        List<Event> verb = List.of(new Event.DeletePod("echo-a"));
        assertEquals(verb, Reconciler.resumed(List.of(), verb));
    }

    @Test
    void aPodAnEarlierVerbLeftTerminatingEndsAtTheNextVerbOnceItsContainerHasExited() {
        Reconciler r = echo(1, 0, PLAIN);
        r.adoptTerminating("echo", "echo-old");
        assertEquals(List.of("endpoints echo-a:RS- echo-b:RS- echo-old:--T"), r.published().stream()
                .map(e -> e.pod() + ":" + (e.ready() ? "R" : "-") + (e.serving() ? "S" : "-") + (e.terminating() ? "T" : "-"))
                .collect(Collectors.collectingAndThen(Collectors.joining(" "), j -> List.of("endpoints " + j))));
        assertFalse(r.settled());
        List<Event> events = Reconciler.resumed(List.of(new Event.Exited("echo-old", "app", 0)), List.of(new Event.Scale("echo", 2)));
        assertEquals(List.of("endpoints echo-a:RS- echo-b:RS-", "remove echo-old", "timer 1s SyncDue"), play(r, events.toArray(Event[]::new)));
        play(r, new Event.SyncDue());
        assertTrue(r.settled());
    }

    // ---- pods no Deployment here owns: a DaemonSet's (the callers), the add-ons' stand-ins (Reconciler.adoptPod) ----

    @Test
    void aDaemonSetPodThatDiedSinceTheLastVerbIsRestartedWithItsCountAndTheVerbWaitsUntilItIsReadyAgain() {
        Reconciler r = echo(1, 0, PLAIN);
        r.adoptPod("caller-x", "DaemonSet netpaths/caller", PLAIN, true, 0);
        assertTrue(r.settled());
        List<Event> events = Reconciler.resumed(List.of(new Event.Exited("caller-x", "app", 137)), List.of(new Event.Scale("echo", 2)));
        assertEquals(List.of("endpoints caller-x:--- echo-a:RS- echo-b:RS-", "timer 1s SyncDue", "restart caller-x/app count 1"),
                play(r, events.toArray(Event[]::new)));
        assertEquals(1, r.pod("caller-x").restarts());
        assertFalse(r.settled(), "settled only once the restarted DaemonSet pod is ready again");
        assertEquals(DATA_PLANE, play(r, new Event.SyncDue()));
        assertFalse(r.settled());
        assertEquals(List.of("endpoints caller-x:RS- echo-a:RS- echo-b:RS-", "timer 1s SyncDue"), play(r, new Event.Readiness("caller-x", true)));
        play(r, new Event.SyncDue());
        assertTrue(r.settled());
        // no controller here replaces or scales it: a scale of echo leaves it be
        List<String> scaled = play(r, new Event.Scale("echo", 3));
        assertTrue(scaled.contains("create echo-new3 rev1") && scaled.stream().noneMatch(x -> x.contains("caller-x")), scaled.toString());
        assertEquals(Reconciler.Phase.RUNNING, r.pod("caller-x").phase());
    }

    @Test
    void anAddOnsStandInThatExitedIsRestartedCountingOnFromItsRecordedRestarts() {
        Reconciler r = echo(1, 0, PLAIN);
        r.adoptPod("coredns-x", "Deployment kube-system/coredns", PLAIN, true, 2);
        assertEquals(List.of("endpoints coredns-x:--- echo-a:RS- echo-b:RS-", "restart coredns-x/coredns count 3", "timer 1s SyncDue"),
                play(r, new Event.Exited("coredns-x", "coredns", 137)));
        assertEquals(3, r.pod("coredns-x").restarts());
        assertFalse(r.settled());
        play(r, new Event.Readiness("coredns-x", true), new Event.SyncDue());
        assertTrue(r.settled());
    }

    @Test
    void aDeploymentPodCountsOnFromTheRestartsRecordedByAnEarlierVerb() {
        Reconciler r = echo(1, 0, PLAIN);
        r.restartCount("echo-a", 1);
        assertEquals(List.of("endpoints echo-a:--- echo-b:RS-", "restart echo-a/app count 2", "timer 1s SyncDue"),
                play(r, new Event.Exited("echo-a", "app", 137)));
    }

    @Test
    void restartPolicyNeverEndsAPodNoDeploymentOwnsAndNothingRestartsOrReplacesIt() {
        Reconciler r = echo(1, 0, PLAIN);
        r.adoptPod("once", "Pod netpaths/once", new Template(30, false, "Never"), true, 0);
        assertEquals(List.of("endpoints echo-a:RS- echo-b:RS-", "timer 1s SyncDue"), play(r, new Event.Exited("once", "app", 1)));
        assertEquals(Reconciler.Phase.FAILED, r.pod("once").phase());
        assertEquals(0, r.pod("once").restarts());
        play(r, new Event.SyncDue());
        assertTrue(r.settled(), "an ended pod is not waited for");
        // OnFailure: a success ends it too, a failure restarts it
        r.adoptPod("retry", "Pod netpaths/retry", new Template(30, false, "OnFailure"), true, 0);
        assertEquals(List.of("endpoints echo-a:RS- echo-b:RS- retry:---", "restart retry/app count 1", "timer 1s SyncDue"),
                play(r, new Event.Exited("retry", "app", 1)));
        play(r, new Event.Readiness("retry", true), new Event.SyncDue());
        play(r, new Event.Exited("retry", "app", 0));
        assertEquals(Reconciler.Phase.SUCCEEDED, r.pod("retry").phase());
    }

    @Test
    void aPodOfADeploymentOfTheModelIsNotAdoptedAsAnOtherOnesPod() {
        Reconciler r = echo(1, 0, PLAIN);
        assertThrows(IllegalArgumentException.class, () -> r.adoptPod("echo-x", "echo", PLAIN, true, 0));
        assertEquals(null, r.pod("echo-x"));
    }
}

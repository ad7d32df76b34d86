package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest {
    private static final List<Node> NODES = Fixtures.kindNodes();

    private static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("netpaths")
                .withLabels(Map.of("app", "echo")).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec();
    }

    private static PodBuilder spread(String name, String whenUnsatisfiable) {
        return pod(name).editSpec().withTopologySpreadConstraints(new TopologySpreadConstraintBuilder()
                .withMaxSkew(1).withTopologyKey("kubernetes.io/hostname").withWhenUnsatisfiable(whenUnsatisfiable)
                .withNewLabelSelector().withMatchLabels(Map.of("app", "echo")).endLabelSelector().build()).endSpec();
    }

    private static List<String> nodesOf(List<Pod> pods) {
        return pods.stream().map(p -> p.getSpec().getNodeName()).toList();
    }

    @Test
    void twoReplicasSpreadOverTheTwoWorkers() {
        List<Pod> pods = Scheduler.schedule(List.of(spread("a", "DoNotSchedule").build(), spread("b", "DoNotSchedule").build()), NODES);
        assertEquals(List.of("netpaths-worker", "netpaths-worker2"), nodesOf(pods));
    }

    @Test
    void theTaintedControlPlaneIsNeverUsedUnlessTolerated() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pods.add(pod("p" + i).build());
        }
        assertTrue(nodesOf(Scheduler.schedule(pods, NODES)).stream().noneMatch("netpaths-control-plane"::equals));

        Pod tolerant = pod("t").editSpec().withTolerations(new TolerationBuilder()
                .withKey("node-role.kubernetes.io/control-plane").withOperator("Exists").withEffect("NoSchedule").build())
                .endSpec().build();
        // least loaded: the workers already hold a pod each, the control plane none
        List<Pod> placed = Scheduler.schedule(List.of(pod("a").build(), pod("b").build(), tolerant), NODES);
        assertEquals("netpaths-control-plane", placed.get(2).getSpec().getNodeName());
    }

    @Test
    void theTaintedControlPlaneStillCountsAsAnEmptySpreadDomain() {
        // nodeTaintsPolicy defaults to Ignore: the third replica would make skew 2 against the control plane's 0
        List<Pod> pods = List.of(spread("a", "DoNotSchedule").build(), spread("b", "DoNotSchedule").build(),
                spread("c", "DoNotSchedule").build());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Scheduler.schedule(pods, NODES));
        assertTrue(e.getMessage().contains("pod netpaths/c is unschedulable"), e.getMessage());
        assertTrue(e.getMessage().contains("skew 2 > maxSkew 1"), e.getMessage());
        assertTrue(e.getMessage().contains("untolerated taint node-role.kubernetes.io/control-plane:NoSchedule"), e.getMessage());
    }

    @Test
    void scheduleAnywayPrefersTheEmptierNodeButNeverFails() {
        List<Pod> pods = List.of(spread("a", "ScheduleAnyway").build(), spread("b", "ScheduleAnyway").build(),
                spread("c", "ScheduleAnyway").build());
        List<String> nodes = nodesOf(Scheduler.schedule(pods, NODES));
        assertNotEquals(nodes.get(0), nodes.get(1));
        assertEquals(3, nodes.size());
    }

    @Test
    void requiredAntiAffinityKeepsMatchingPodsApart() {
        PodBuilder anti = pod("x").editSpec().withNewAffinity().withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution().withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().withMatchLabels(Map.of("app", "echo")).endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity().endSpec();
        List<Pod> two = Scheduler.schedule(List.of(anti.editMetadata().withName("a").endMetadata().build(),
                anti.editMetadata().withName("b").endMetadata().build()), NODES);
        assertNotEquals(two.get(0).getSpec().getNodeName(), two.get(1).getSpec().getNodeName());
        List<Pod> three = new ArrayList<>(two);
        three.add(anti.editMetadata().withName("c").endMetadata().build());
        assertThrows(IllegalStateException.class, () -> Scheduler.schedule(three, NODES));
    }

    @Test
    void nodeSelectorAndPinnedPodsAreHonoured() {
        Pod selected = pod("s").editSpec().withNodeSelector(Map.of("kubernetes.io/hostname", "netpaths-worker2")).endSpec().build();
        Pod pinned = pod("p").editSpec().withNodeName("netpaths-control-plane").endSpec().build();
        List<Pod> pods = Scheduler.schedule(List.of(selected, pinned), NODES);
        assertEquals(List.of("netpaths-worker2", "netpaths-control-plane"), nodesOf(pods));
    }

    /** PodTopologySpread matchLabelKeys: only pods with the incoming pod's pod-template-hash count. */
    @Test
    void matchLabelKeysCountOnlyTheSameRevision() {
        TopologySpreadConstraintBuilder constraint = new TopologySpreadConstraintBuilder().withMaxSkew(1)
                .withTopologyKey("kubernetes.io/hostname").withWhenUnsatisfiable("DoNotSchedule")
                .withNewLabelSelector().withMatchLabels(Map.of("app", "echo")).endLabelSelector()
                .withMatchLabelKeys("pod-template-hash");
        Pod old1 = pod("old1").editMetadata().addToLabels("pod-template-hash", "old").endMetadata()
                .editSpec().withNodeName("netpaths-worker").endSpec().build();
        Pod old2 = pod("old2").editMetadata().addToLabels("pod-template-hash", "old").endMetadata()
                .editSpec().withNodeName("netpaths-worker").endSpec().build();
        Pod fresh = pod("new1").editMetadata().addToLabels("pod-template-hash", "new").endMetadata()
                .editSpec().withTopologySpreadConstraints(constraint.build()).endSpec().build();
        // three unrelated pods make netpaths-worker2 the more loaded node
        List<Pod> placed = new ArrayList<>(List.of(old1, old2));
        for (String name : List.of("f1", "f2", "f3")) {
            placed.add(pod(name).editMetadata().withLabels(Map.of("app", "other")).endMetadata()
                    .editSpec().withNodeName("netpaths-worker2").endSpec().build());
        }
        List<Pod> withKey = new ArrayList<>(placed);
        withKey.add(fresh);
        // with the key the old revision does not count: no spread limit, the less loaded worker wins
        assertEquals("netpaths-worker", Scheduler.schedule(withKey, NODES).get(5).getSpec().getNodeName());
        Pod freshWithoutKey = pod("new1").editMetadata().addToLabels("pod-template-hash", "new").endMetadata()
                .editSpec().withTopologySpreadConstraints(constraint.withMatchLabelKeys(List.of()).build()).endSpec().build();
        List<Pod> withoutKey = new ArrayList<>(placed);
        withoutKey.add(freshWithoutKey);
        // without it the old pods count: skew 3 on netpaths-worker, so netpaths-worker2 despite its load
        assertEquals("netpaths-worker2", Scheduler.schedule(withoutKey, NODES).get(5).getSpec().getNodeName());
    }

    @Test
    void schedulerFeaturesTheLabDoesNotImplementAreRefusedByName() {
        List<Pod> refused = List.of(
                pod("affinity").editSpec().withNewAffinity().withNewPodAffinity().endPodAffinity().endAffinity().endSpec().build(),
                pod("preferred").editSpec().withNewAffinity().withNewNodeAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                        .withWeight(1).withNewPreference().endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                        .endNodeAffinity().endAffinity().endSpec().build(),
                spread("mindomains", "DoNotSchedule").editSpec().editFirstTopologySpreadConstraint().withMinDomains(2)
                        .endTopologySpreadConstraint().endSpec().build(),
                pod("hostport").editSpec().editFirstContainer().addNewPort().withContainerPort(80).withHostPort(80).endPort()
                        .endContainer().endSpec().build());
        for (Pod pod : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scheduler.schedule(List.of(pod), NODES));
            assertTrue(e.getMessage().startsWith("pod netpaths/" + pod.getMetadata().getName() + ": the lab does not model "),
                    e.getMessage());
        }
    }
}

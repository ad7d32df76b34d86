package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadsTest {
    private static final Pattern DEPLOYMENT_POD = Pattern.compile("echo-([bcdfghjklmnpqrstvwxz2456789]{1,10})-[bcdfghjklmnpqrstvwxz2456789]{5}");

    private final List<Pod> pods = Workloads.expand(Fixtures.objects(), Fixtures.kindNodes());

    private List<Pod> pods(String namespace, String prefix) {
        return pods.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
                && p.getMetadata().getName().startsWith(prefix)).toList();
    }

    @Test
    void deploymentPodsAreNamedLikeKubernetesWithTheTemplateHashAndOwner() {
        List<Pod> echo = pods("netpaths", "echo-").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).toList();
        assertEquals(2, echo.size());
        for (Pod pod : echo) {
            var matcher = DEPLOYMENT_POD.matcher(pod.getMetadata().getName());
            assertTrue(matcher.matches(), pod.getMetadata().getName());
            assertEquals(matcher.group(1), pod.getMetadata().getLabels().get("pod-template-hash"));
            assertEquals("ReplicaSet", pod.getMetadata().getOwnerReferences().get(0).getKind());
            assertEquals("echo-" + matcher.group(1), pod.getMetadata().getOwnerReferences().get(0).getName());
            assertEquals("echo-service", pod.getMetadata().getLabels().get("app.kubernetes.io/name"));
            assertEquals(8080, pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort());
            assertEquals("Pending", pod.getStatus().getPhase());
        }
        assertNotEquals(echo.get(0).getMetadata().getName(), echo.get(1).getMetadata().getName());
        assertNotEquals(echo.get(0).getSpec().getNodeName(), echo.get(1).getSpec().getNodeName());
    }

    @Test
    void theDaemonSetRunsOnEveryNodeItTolerates() {
        List<Pod> callers = pods("netpaths", "caller-");
        assertEquals(List.of("netpaths-control-plane", "netpaths-worker", "netpaths-worker2"),
                callers.stream().map(p -> p.getSpec().getNodeName()).toList());
        callers.forEach(p -> {
            assertTrue(p.getMetadata().getName().matches("caller-[bcdfghjklmnpqrstvwxz2456789]{5}"), p.getMetadata().getName());
            assertEquals("DaemonSet", p.getMetadata().getOwnerReferences().get(0).getKind());
            assertEquals("1", p.getMetadata().getLabels().get("pod-template-generation"));
        });
    }

    @Test
    void barePodsAreKeptAndScheduled() {
        List<Pod> expanded = Workloads.expand(Manifests.parse("""
                apiVersion: v1
                kind: Pod
                metadata: {name: debug}
                spec: {containers: [{name: c, image: busybox}]}
                """), Fixtures.kindNodes());
        assertEquals(1, expanded.size());
        assertEquals("default", expanded.get(0).getMetadata().getNamespace());
        assertEquals("debug", expanded.get(0).getMetadata().getName());
        assertEquals("netpaths-worker", expanded.get(0).getSpec().getNodeName());
    }

    @Test
    void expansionIsDeterministic() {
        assertEquals(pods, Workloads.expand(Fixtures.objects(), Fixtures.kindNodes()));
    }

    @Test
    void aChangedTemplateChangesTheHash() {
        var deployment = Manifests.ofType(Fixtures.objects(), io.fabric8.kubernetes.api.model.apps.Deployment.class).get(0);
        String before = Workloads.templateHash(deployment.getSpec().getTemplate());
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("netpaths/echo-service:0.2.0");
        assertNotEquals(before, Workloads.templateHash(deployment.getSpec().getTemplate()));
    }

    @Test
    void aDefaultedProtocolLeftOutKeepsThePodNames() {
        String explicit = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: busybox, ports: [{name: http, containerPort: 8080, protocol: TCP}, {name: dns, containerPort: 53, protocol: UDP}]}]}
                """;
        List<String> withProtocol = names(Workloads.expand(Manifests.parse(explicit), Fixtures.kindNodes()));
        List<String> without = names(Workloads.expand(Manifests.parse(explicit.replace(", protocol: TCP}", "}")),
                Fixtures.kindNodes()));
        assertEquals(withProtocol, without, "the API server defaults protocol to TCP before the hash is taken");
        List<String> udpChanged = names(Workloads.expand(Manifests.parse(explicit.replace("protocol: UDP", "protocol: TCP")),
                Fixtures.kindNodes()));
        assertNotEquals(withProtocol, udpChanged, "a protocol that is not the default is part of the template");
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }
}

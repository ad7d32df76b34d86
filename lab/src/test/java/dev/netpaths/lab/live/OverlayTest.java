package dev.netpaths.lab.live;

import dev.netpaths.lab.api.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** apply and delete on the lab's objects: kubectl's outcomes, the refusals that change nothing, allocations kept. */
class OverlayTest {
    private static final String BASE = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: netpaths-other}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: netpaths-other}
            spec:
              type: LoadBalancer
              selector: {app: echo}
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: echo, namespace: netpaths-other}
            spec:
              replicas: 2
              selector: {matchLabels: {app: echo}}
              template:
                metadata: {labels: {app: echo}}
                spec: {containers: [{name: app, image: echo:1}]}
            """;
    private static final String DENY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: netpaths-other}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """;

    private static List<HasMetadata> base() {
        return Manifests.parse(BASE);
    }

    private static List<String> lines(List<Overlay.Change> changes) {
        return changes.stream().map(Overlay.Change::line).toList();
    }

    @Test
    void applyCreatesThenLeavesUnchangedThenConfiguresInKubectlsWords() {
        List<Overlay.Change> changes = new ArrayList<>();
        Overlay once = Overlay.empty().apply(Manifests.parse(DENY), base(), "netpaths", changes);
        assertEquals(List.of("networkpolicy.networking.k8s.io/deny-all created"), lines(changes));
        List<HasMetadata> now = once.merge(base(), List.of());
        assertEquals(1, Manifests.ofType(now, NetworkPolicy.class).size());

        changes.clear();
        Overlay twice = once.apply(Manifests.parse(DENY), now, "netpaths", changes);
        assertEquals(List.of("networkpolicy.networking.k8s.io/deny-all unchanged"), lines(changes));

        changes.clear();
        twice.apply(Manifests.parse(DENY.replace("[Ingress]", "[Ingress, Egress]")), now, "netpaths", changes);
        assertEquals(List.of("networkpolicy.networking.k8s.io/deny-all configured"), lines(changes));
    }

    @Test
    void anObjectWithoutANamespaceTakesTheDefaultOneAndAnUnknownNamespaceIsRefused() {
        List<Overlay.Change> changes = new ArrayList<>();
        Overlay.empty().apply(Manifests.parse(DENY.replace(", namespace: netpaths-other", "")), base(), "netpaths-other", changes);
        assertEquals("netpaths-other", changes.get(0).key().namespace());
        Refused r = assertThrows(Refused.class, () -> Overlay.empty().apply(Manifests.parse(DENY.replace("netpaths-other", "nowhere")),
                base(), "netpaths", new ArrayList<>()));
        assertTrue(r.getMessage().startsWith("namespaces \"nowhere\" not found"), r.getMessage());
    }

    @Test
    void aKindTheRunningLabDoesNotTakeIsRefusedByName() {
        String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: netpaths-other}\n";
        Refused r = assertThrows(Refused.class, () -> Overlay.empty().apply(Manifests.parse(configMap), base(), "netpaths", new ArrayList<>()));
        assertTrue(r.getMessage().contains("does not change \"ConfigMap\""), r.getMessage());
        assertThrows(Refused.class, () -> Overlay.kindOf("gateway"));
        assertEquals("NetworkPolicy", Overlay.kindOf("netpol"));
        assertEquals("Service", Overlay.kindOf("svc"));
    }

    @Test
    void aDeploymentTakesANewReplicaCountOnly() {
        List<Overlay.Change> changes = new ArrayList<>();
        String three = BASE.substring(BASE.indexOf("apiVersion: apps/v1")).replace("replicas: 2", "replicas: 3");
        Overlay.empty().apply(Manifests.parse(three), base(), "netpaths", changes);
        assertEquals(Overlay.Outcome.CONFIGURED, changes.get(0).outcome());
        Refused r = assertThrows(Refused.class, () -> Overlay.empty().apply(Manifests.parse(three.replace("echo:1", "echo:2")),
                base(), "netpaths", new ArrayList<>()));
        assertTrue(r.getMessage().contains("spec.replicas only"), r.getMessage());
        Refused missing = assertThrows(Refused.class, () -> Overlay.empty().apply(Manifests.parse(three.replace("name: echo,", "name: other,")),
                base(), "netpaths", new ArrayList<>()));
        assertTrue(missing.getMessage().startsWith("deployments.apps \"other\" not found"), missing.getMessage());
    }

    @Test
    void deleteRefusesANameThatDoesNotExistAndADeployment() {
        Refused r = assertThrows(Refused.class, () -> Overlay.empty().delete(
                List.of(new Overlay.Key("NetworkPolicy", "netpaths-other", "nope")), base()));
        assertEquals("networkpolicies.networking.k8s.io \"nope\" not found in namespace netpaths-other", r.getMessage());
        assertThrows(Refused.class, () -> Overlay.empty().delete(List.of(new Overlay.Key("Deployment", "netpaths-other", "echo")), base()));
        Overlay gone = Overlay.empty().delete(List.of(new Overlay.Key("Service", "netpaths-other", "echo")), base());
        assertTrue(Manifests.ofType(gone.merge(base(), List.of()), Service.class).isEmpty());
    }

    @Test
    void aReappliedServiceKeepsItsClusterIpNodePortAndLoadBalancerIpAndAnotherClusterIpIsRefused() {
        Service admitted = Manifests.ofType(Manifests.parse(BASE.replace("targetPort: 8080}", "targetPort: 8080, nodePort: 30007}")
                .replace("type: LoadBalancer", "type: LoadBalancer\n  clusterIP: 10.96.0.9")), Service.class).get(0);
        admitted.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer().addNewIngress().withIp("172.18.255.200")
                .endIngress().endLoadBalancer().build());
        Service merged = Manifests.ofType(Overlay.empty().merge(base(), List.of(admitted)), Service.class).get(0);
        assertEquals("10.96.0.9", merged.getSpec().getClusterIP());
        assertEquals(30007, merged.getSpec().getPorts().get(0).getNodePort());
        assertEquals("172.18.255.200", merged.getStatus().getLoadBalancer().getIngress().get(0).getIp());
        List<HasMetadata> other = Manifests.parse(BASE.replace("type: LoadBalancer", "type: LoadBalancer\n  clusterIP: 10.96.0.50"));
        Refused r = assertThrows(Refused.class, () -> Overlay.empty().merge(other, List.of(admitted)));
        assertTrue(r.getMessage().contains("field is immutable"), r.getMessage());
    }

    @Test
    void whatWasAppliedAndDeletedIsReadBackAsWritten(@TempDir Path dir) {
        Overlay o = Overlay.empty().apply(Manifests.parse(DENY), base(), "netpaths", new ArrayList<>())
                .delete(List.of(new Overlay.Key("Service", "netpaths-other", "echo")), base());
        o.write(dir);
        List<HasMetadata> merged = Overlay.read(dir).merge(base(), List.of());
        assertEquals(List.of("Namespace", "Deployment", "NetworkPolicy"), merged.stream().map(HasMetadata::getKind).toList());
        assertTrue(Overlay.read(dir.resolve("none")).isEmpty());
    }
}

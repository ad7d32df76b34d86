package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot's two readers. The kube-context reader runs against fabric8's mock API server (test scope only): it
 * reads each kind once, the two recording ConfigMaps by name, and a custom resource the server does not serve as
 * none. The lab's state file is parsed with no server, and a file that is not a List says so.
 */
class ClusterSnapshotTest {

    @Test
    void theKubeContextReaderTakesWhatDiscoveryInterpretsAndTreatsAnUnservedResourceAsNone() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        // Gateway API served, Istio not: listing VirtualServices is a 404, which means none
        ClusterSnapshot.customResources().stream().filter(r -> !r.getGroup().equals(ClusterSnapshot.ISTIO_GROUP))
                .forEach(r -> server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                        .withGroup(r.getGroup()).withVersion(r.getVersion()).withKind(r.getKind())
                        .withPlural(r.getPlural()).withScope(r.isNamespaceScoped() ? "Namespaced" : "Cluster")
                        .build()));
        try (KubernetesClient client = server.createClient()) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
            for (String name : List.of("netpaths-lab", "netpaths-data-plane", "coredns")) {
                client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder().withNewMetadata()
                        .withName(name).withNamespace("kube-system").endMetadata().addToData("k", name).build())
                        .create();
            }
            for (String ns : List.of("netpaths", "default")) {
                client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                        .withName("echo").withNamespace(ns).endMetadata().build()).create();
            }
            client.genericKubernetesResources(ClusterSnapshot.GATEWAYS).inNamespace("netpaths")
                    .resource(new GenericKubernetesResourceBuilder().withApiVersion("gateway.networking.k8s.io/v1")
                            .withKind("Gateway").withNewMetadata().withName("gw").withNamespace("netpaths")
                            .endMetadata().build()).create();

            ClusterSnapshot s = ClusterSnapshot.read(client);

            assertEquals(List.of("n1"), s.nodes().stream().map(n -> n.getMetadata().getName()).toList());
            assertEquals(List.of("netpaths-data-plane", "netpaths-lab"), s.configMaps().stream()
                    .map(c -> c.getMetadata().getName()).sorted().toList(), "only the recording ConfigMaps");
            assertEquals(List.of("netpaths"), s.deployments().stream().map(d -> d.getMetadata().getNamespace())
                    .toList(), "deployments of the netpaths namespaces only");
            assertEquals(List.of("gw"), s.gateways().stream().map(g -> g.getMetadata().getName()).toList());
            assertTrue(s.virtualServices().isEmpty());
            assertTrue(s.customResourceDefinitions().isEmpty(), "the mock server has no CRD objects");
            assertEquals(client.getConfiguration().getMasterUrl(), s.apiServer());
            assertEquals(Map.of("k", "netpaths-lab"), s.configMapData("kube-system", "netpaths-lab").orElseThrow());
        } finally {
            server.destroy();
        }
    }

    @Test
    void theLabStateFileIsReadWithNoServerAndUnknownKindsAreLeftOut() {
        Path file = LabState.clusterFiles(LabStateDiscoveryTest.STATE).get(0);
        ClusterSnapshot s = LabState.read(file);
        assertNull(s.apiServer(), "the lab has no API server");
        assertEquals(3, s.nodes().size());
        assertEquals(11, s.pods().size(), "the fixture's pods, caller-trusted included");
        assertEquals("Running", s.pods().get(0).getStatus().getPhase(), "status is kept");
        assertEquals(1, s.gateways().size(), "Istio's own Gateway kind (another group) is left out");
        assertEquals(1, s.referenceGrants().size());
        assertEquals("netpaths", LabState.clusterName(file));
    }

    @Test
    void aStateFileThatIsNotAListOfObjectsIsAnErrorWithItsNameAndWhy(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("cluster.yaml");
        // what a reader would see of a file cut short mid-write
        Files.writeString(cut, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: [");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabState.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": not a Kubernetes object or v1 List: "), e.getMessage());

        Files.writeString(cut, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n");
        e = assertThrows(IllegalArgumentException.class, () -> LabState.read(cut));
        assertEquals(cut + ": item 0 has no apiVersion, kind or metadata.name", e.getMessage());

        Files.writeString(cut, "just: text\n");
        e = assertThrows(IllegalArgumentException.class, () -> LabState.read(cut));
        assertTrue(e.getMessage().endsWith("no kind"), e.getMessage());

        Files.writeString(cut, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: n}\n"
                + "  spec: {podCIDR: [1, 2]}\n");
        e = assertThrows(IllegalArgumentException.class, () -> LabState.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": cannot read v1 Node n: "), e.getMessage());
    }
}

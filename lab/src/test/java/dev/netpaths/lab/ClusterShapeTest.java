package dev.netpaths.lab;

import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The objects the lab derives per cluster: Nodes as kind registers them, the second cluster's identity, the manifest files read. */
class ClusterShapeTest {
    private static final List<ClusterPlan> TWO = AddressPlan.plan("np", CniKind.FLANNEL, 3, 2);

    @Test
    void nodesLookLikeKindsWithATaintedControlPlane() {
        List<Node> nodes = LabObjects.nodes(TWO.get(0));
        Node cp = nodes.get(0);
        assertEquals("netpaths-control-plane", cp.getMetadata().getName());
        assertEquals("", cp.getMetadata().getLabels().get("node-role.kubernetes.io/control-plane"));
        assertEquals("NoSchedule", cp.getSpec().getTaints().get(0).getEffect());
        assertEquals("172.18.0.2", cp.getStatus().getAddresses().get(0).getAddress());
        assertEquals("10.244.0.0/24", cp.getSpec().getPodCIDR());
        assertTrue(untainted(nodes.get(1)), "workers carry no taint");
    }

    @Test
    void singleNodeClusterLeavesTheControlPlaneSchedulableAsKindDoes() {
        assertTrue(untainted(LabObjects.nodes(AddressPlan.plan("np", CniKind.FLANNEL, 1, 1).get(0)).get(0)));
    }

    private static boolean untainted(Node n) {
        return n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty();
    }

    @Test
    void secondClusterReportsItsOwnNameAndGetsADisjointPool() {
        Deployment echo = new DeploymentBuilder().withNewMetadata().withName("echo").endMetadata().withNewSpec().withNewTemplate()
                .withNewSpec().addNewContainer().withName("app")
                .addNewEnv().withName("CLUSTER_NAME").withValue("netpaths").endEnv()
                .addNewEnv().withName("SERVICE_NAME").withValue("echo-service").endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build();
        var cm = new ConfigMapBuilder().withNewMetadata().withName("ids").endMetadata().addToData("CLUSTER_NAME", "netpaths").build();
        GenericKubernetesResource pool = new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("IPAddressPool")
                .withNewMetadata().withName("netpaths-pool").endMetadata()
                .addToAdditionalProperties("spec", Map.of("addresses", List.of("172.18.255.200-172.18.255.250"))).build();
        List<HasMetadata> objects = List.of(echo, cm);

        ClusterIdentity.apply(objects, TWO.get(1));

        assertEquals("netpaths-b", echo.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue());
        assertEquals("echo-service", echo.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(1).getValue());
        assertEquals("netpaths-b", cm.getData().get("CLUSTER_NAME"));
        assertEquals(Map.of("addresses", List.of("172.18.254.200-172.18.254.250")),
                ClusterIdentity.metallb(List.of(pool), TWO.get(1)).get(0).getAdditionalProperties().get("spec"));
        assertEquals(List.of(pool), ClusterIdentity.metallb(List.of(pool), TWO.get(0)), "the first cluster uses the pool as written");
        GenericKubernetesResource l2 = new GenericKubernetesResourceBuilder().withApiVersion("metallb.io/v1beta1").withKind("L2Advertisement")
                .withNewMetadata().withName("netpaths-l2").endMetadata()
                .addToAdditionalProperties("spec", Map.of("ipAddressPools", List.of("netpaths-pool"))).build();
        assertEquals(List.of(l2), ClusterIdentity.metallb(List.of(l2), TWO.get(1)), "L2Advertisements are used as written");
    }

    @Test
    void manifestFilesAreTheYamlFilesWithoutKustomizations(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("metallb"));
        Files.writeString(dir.resolve("metallb/b.yaml"), "b");
        Files.writeString(dir.resolve("metallb/a.yml"), "a");
        Files.writeString(dir.resolve("metallb/kustomization.yaml"), "k");
        Files.writeString(dir.resolve("metallb/README.md"), "r");
        assertEquals(List.of("a", "b"), ManifestSource.yamlFiles(dir));
        assertEquals(List.of(), ManifestSource.yamlFiles(dir.resolve("absent")));
    }
}

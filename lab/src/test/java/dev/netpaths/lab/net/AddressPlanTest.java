package dev.netpaths.lab.net;

import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import dev.netpaths.lab.cni.CniKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressPlanTest {
    @Test
    void threeFlannelNodesAreNamedAndAddressedLikeKind() {
        ClusterPlan c = AddressPlan.plan("np", CniKind.FLANNEL, 3, 1).get(0);
        assertEquals("netpaths", c.name());
        assertEquals(List.of("netpaths-control-plane", "netpaths-worker", "netpaths-worker2"), c.nodes().stream().map(NodePlan::name).toList());
        assertEquals(List.of("172.18.0.2", "172.18.0.3", "172.18.0.4"), c.nodes().stream().map(NodePlan::ip).toList());
        assertEquals(List.of("10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"), c.nodes().stream().map(NodePlan::podCidr).toList());
        assertEquals("np-netpaths-worker2", c.nodes().get(2).netns());
        assertEquals("np-4", c.nodes().get(2).uplink());
        assertTrue(c.nodes().get(0).controlPlane());
    }

    @Test
    void calicoAllocatesA26BlockInsideTheNodesPodCidr() {
        NodePlan n = AddressPlan.plan("np", CniKind.CALICO, 3, 1).get(0).nodes().get(1);
        assertEquals("192.168.1.0/24", n.podCidr());
        assertEquals("192.168.1.0/26", n.podRange());
    }

    @Test
    void weaveSlicesItsFlatRangePerNode() {
        ClusterPlan c = AddressPlan.plan("np", CniKind.WEAVE, 2, 1).get(0);
        assertEquals("10.32.0.0/12", c.clusterCidr());
        assertEquals("10.32.1.0/24", c.nodes().get(1).podRange());
    }

    @Test
    void secondClusterContinuesTheNodeNumberingWithItsOwnPodCidr() {
        List<ClusterPlan> plans = AddressPlan.plan("lab2", CniKind.FLANNEL, 2, 2);
        ClusterPlan b = plans.get(1);
        assertEquals("netpaths-b", b.name());
        assertEquals(List.of("netpaths-b-control-plane", "netpaths-b-worker"), b.nodes().stream().map(NodePlan::name).toList());
        assertEquals(List.of("172.18.0.4", "172.18.0.5"), b.nodes().stream().map(NodePlan::ip).toList());
        assertEquals("10.245.0.0/16", b.clusterCidr());
        assertEquals("lab2-c2-", b.podNetnsPrefix("lab2"));
    }

    @Test
    void secondClustersMetalLbPoolIsDisjoint() {
        assertEquals("172.18.255.200-172.18.255.250", AddressPlan.poolForCluster("172.18.255.200-172.18.255.250", 0));
        assertEquals("172.18.254.200-172.18.254.250", AddressPlan.poolForCluster("172.18.255.200-172.18.255.250", 1));
        assertEquals("172.18.254.0/24", AddressPlan.poolForCluster("172.18.255.0/24", 1));
        assertThrows(IllegalArgumentException.class, () -> AddressPlan.poolForCluster("172.18.0.0/24", 1));
    }

    @Test
    void unknownCniIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CniKind.parse("cilium"));
        assertTrue(e.getMessage().contains("cilium"));
    }
}

package dev.netpaths.lab.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import dev.netpaths.lab.net.AddressPlan;

/** LAB_CALICO read as scripts/cluster reads CALICO_ENCAP; the pod conf and tunnel address per mode. */
class CalicoTest {

    @Test
    void vxlanIsTheDefaultAndBgpIsChosenByName() {
        assertEquals(Calico.Mode.VXLAN, Calico.Mode.fromSetting(null));
        assertEquals(Calico.Mode.VXLAN, Calico.Mode.fromSetting(""));
        assertEquals(Calico.Mode.VXLAN, Calico.Mode.fromSetting("vxlan"));
        assertEquals(Calico.Mode.BGP, Calico.Mode.fromSetting("bgp"));
    }

    @Test
    void ipipIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Calico.Mode.fromSetting("ipip"));
        assertEquals("LAB_CALICO must be vxlan or bgp (scripts/cluster's CALICO_ENCAP=vxlan or none), got 'ipip'", e.getMessage());
    }

    @Test
    void theTunnelAddressIsTheFirstOfTheBlockAndNoPodGetsIt() {
        AddressPlan.ClusterPlan c = AddressPlan.plan("np", CniKind.CALICO, 3, 1).get(0);
        AddressPlan.NodePlan worker = c.nodes().get(1);
        assertEquals("192.168.1.0", Calico.tunnelIp(worker));
        // host-local hands out from the block's second address on: the tunnel address is never a pod's
        assertTrue(new Calico(null, Path.of("/tmp"), Calico.Mode.VXLAN).conf(c, worker, Path.of("/tmp/ipam"))
                .contains("\"subnet\":\"192.168.1.0/26\""));
    }

    @Test
    void theVxlanPoolLeavesRoomForTheHeaderAndBgpDoesNot() {
        AddressPlan.ClusterPlan c = AddressPlan.plan("np", CniKind.CALICO, 2, 1).get(0);
        assertTrue(new Calico(null, Path.of("/tmp"), Calico.Mode.VXLAN).conf(c, c.nodes().get(0), Path.of("/tmp/i"))
                .contains("\"mtu\":1450"));
        assertTrue(new Calico(null, Path.of("/tmp"), Calico.Mode.BGP).conf(c, c.nodes().get(0), Path.of("/tmp/i"))
                .contains("\"mtu\":1500"));
    }
}

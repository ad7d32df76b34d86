package dev.netpaths.lab.cni;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CniTest {
    @Test
    void bridgeConfIsTheFlannelShape() {
        assertEquals("{\"cniVersion\":\"1.0.0\",\"name\":\"cbr0\",\"type\":\"bridge\",\"bridge\":\"cni0\",\"isGateway\":true,"
                        + "\"hairpinMode\":true,\"ipMasq\":false,\"mtu\":1450,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/run/np/ipam\","
                        + "\"ranges\":[[{\"subnet\":\"10.244.1.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}",
                Cni.bridgeConf("cbr0", "cni0", "10.244.1.0/24", null, 1450, "/run/np/ipam"));
        assertEquals("{\"subnet\":\"10.244.1.0/24\",\"gateway\":\"10.244.1.1\"}",
                Cni.bridgeConf("cbr0", "cni0", "10.244.1.0/24", "10.244.1.1", 1450, "/d").replaceAll(".*\\[\\[(.*)]].*", "$1"));
    }

    @Test
    void ptpConfIsTheCalicoShape() {
        assertEquals("{\"cniVersion\":\"1.0.0\",\"name\":\"k8s-pod-network\",\"type\":\"ptp\",\"ipMasq\":false,\"mtu\":1440,"
                        + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/d\",\"ranges\":[[{\"subnet\":\"192.168.1.0/26\"}]],"
                        + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}",
                Cni.ptpConf("k8s-pod-network", "192.168.1.0/26", 1440, "/d"));
    }

    @Test
    void aGatewayOutsideTheSubnetIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Cni.bridgeConf("n", "cni0", "10.244.1.0/24", "10.244.2.1", 1450, "/d"));
    }
}

package dev.netpaths.lab.cni;

import dev.netpaths.lab.LabException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CniRunnerTest {
    @Test
    void podIpIsTheFirstIpv4OfThePluginResult() {
        String result = """
                {"cniVersion":"1.0.0","interfaces":[{"name":"cni0"},{"name":"eth0","sandbox":"/var/run/netns/p"}],
                 "ips":[{"interface":2,"address":"fd00::5/64"},{"interface":2,"address":"10.244.1.5/24","gateway":"10.244.1.1"}]}""";
        assertEquals("10.244.1.5", CniRunner.podIp(result, "bridge", "netpaths/echo-a"));
    }

    @Test
    void resultWithoutIpv4FailsWithTheRawResult() {
        LabException e = assertThrows(LabException.class, () -> CniRunner.podIp("{\"ips\":[]}", "ptp", "netpaths/echo-a"));
        assertEquals("CNI plugin ptp gave pod netpaths/echo-a no IPv4 address: {\"ips\":[]}", e.getMessage());
    }
}

package dev.netpaths.lab.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyModeTest {
    @Test
    void iptablesIsTheDefaultAndNftablesIsSelectable() {
        assertEquals(ProxyMode.IPTABLES, ProxyMode.fromSetting(null));
        assertEquals(ProxyMode.IPTABLES, ProxyMode.fromSetting(""));
        assertEquals(ProxyMode.IPTABLES, ProxyMode.fromSetting("iptables"));
        assertEquals(ProxyMode.NFTABLES, ProxyMode.fromSetting("nftables"));
    }

    @Test
    void ipvsIsRefusedWithTheReasonAndWhereToGetIt() {
        String m = assertThrows(IllegalArgumentException.class, () -> ProxyMode.fromSetting("ipvs")).getMessage();
        assertTrue(m.contains("no ip_vs") && m.contains("PROXY_MODE=ipvs"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ProxyMode.fromSetting("userspace")).getMessage();
        assertEquals("LAB_PROXY_MODE must be iptables or nftables, got 'userspace'", m);
    }

    @Test
    void theModeOfARunningLabIsTheRecordedOne(@TempDir Path state) {
        assertEquals(ProxyMode.IPTABLES, ProxyMode.recorded(state), "a lab recorded before modes existed");
        ProxyMode.NFTABLES.record(state);
        assertEquals(ProxyMode.NFTABLES, ProxyMode.recorded(state));
    }
}

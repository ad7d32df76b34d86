package dev.netpaths.lab.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.state.RecordedSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
    void theModeOfARunningLabIsTheOneUpRecordedNotTheLaterEnvironments(@TempDir Path state) {
        RecordedSettings.record(state, Map.of(ProxyMode.SETTING, "nftables")::get);
        // a later verb's environment (LAB_PROXY_MODE=iptables, or unset) is not read at all
        assertEquals(ProxyMode.NFTABLES, ProxyMode.recorded(state));
        RecordedSettings.record(state, Map.<String, String>of()::get);
        assertEquals(ProxyMode.IPTABLES, ProxyMode.recorded(state), "unset at up: kube-proxy's default");
    }

    @Test
    void aStateDirFromBeforeTheModeWasASettingIsAClearError(@TempDir Path state) throws IOException {
        // the old code wrote the mode to its own file, proxy-mode, and left it out of settings
        Files.writeString(state.resolve("proxy-mode"), "nftables\n");
        Files.writeString(state.resolve("settings"), "LAB_CALICO=bgp\n");
        LabException e = assertThrows(LabException.class, () -> ProxyMode.recorded(state));
        assertEquals(state.resolve("settings") + " records no LAB_PROXY_MODE: a lab brought up by an older netpaths-lab;"
                + " bring it up again (scripts/lab/lab.sh down, then up)", e.getMessage());
    }

    @Test
    void aBadRecordedModeIsAPlainError(@TempDir Path state) {
        RecordedSettings.record(state, Map.of(ProxyMode.SETTING, "ipvs")::get);
        LabException e = assertThrows(LabException.class, () -> ProxyMode.recorded(state));
        assertTrue(e.getMessage().startsWith("LAB_PROXY_MODE=ipvs: the lab does not model IPVS"), e.getMessage());
    }
}

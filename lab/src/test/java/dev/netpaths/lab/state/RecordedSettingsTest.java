package dev.netpaths.lab.state;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.cni.Calico;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A live verb rebuilds the lab as `up` made it, whatever its own environment says. */
class RecordedSettingsTest {
    @TempDir
    Path state;

    @Test
    void whatUpRecordedWinsOverTheLaterEnvironment() {
        // up's environment: BGP, the default controller, kube-proxy's nftables mode; a later shell's differs, and
        // get() has no way to read it
        RecordedSettings.record(state, Map.of("LAB_CALICO", "bgp", "LAB_PROXY_MODE", "nftables")::get);
        assertEquals("bgp", RecordedSettings.get(state, "LAB_CALICO"));
        assertEquals("nftables", RecordedSettings.get(state, "LAB_PROXY_MODE"));
        assertNull(RecordedSettings.get(state, "INGRESS"), "unset at up stays unset");
    }

    @Test
    void everySettingIsOneLineOfTheOneFileUnsetOnesEmpty() throws IOException {
        RecordedSettings.record(state, Map.of("INGRESS", "ingress-nginx")::get);
        assertEquals("LAB_PROXY_MODE=\nLAB_CALICO=\nINGRESS=ingress-nginx\n", Files.readString(state.resolve("settings")));
        try (var files = Files.list(state)) {
            assertEquals(List.of("settings"), files.map(f -> f.getFileName().toString()).toList(), "no proxy-mode file beside it");
        }
    }

    @Test
    void aStateDirWithoutTheFileIsAClearErrorNotTheEnvironment() {
        LabException e = assertThrows(LabException.class, () -> RecordedSettings.get(state, "INGRESS"));
        assertEquals("no " + state.resolve("settings") + " (the settings up records): a lab brought up by an older"
                + " netpaths-lab; bring it up again (scripts/lab/lab.sh down, then up)", e.getMessage());
    }

    @Test
    void calicosModeIsTheRecordedOneAndABadValueIsAPlainError() {
        RecordedSettings.record(state, Map.of("LAB_CALICO", "bgp")::get);
        assertEquals(Calico.Mode.BGP, Calico.Mode.recorded(state));
        RecordedSettings.record(state, Map.of("LAB_CALICO", "ipip")::get);
        LabException e = assertThrows(LabException.class, () -> Calico.Mode.recorded(state));
        assertTrue(e.getMessage().contains("LAB_CALICO must be vxlan or bgp"), e.getMessage());
    }
}

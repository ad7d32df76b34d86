package dev.netpaths.lab.state;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.cni.Calico;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
        RecordedSettings.record(state, Map.of("LAB_CALICO", "bgp")::get);
        // a later shell: LAB_CALICO unset, INGRESS set; the lab was brought up with BGP and the default controller
        Map<String, String> later = Map.of("INGRESS", "ingress-nginx");
        assertEquals("bgp", RecordedSettings.get(state, "LAB_CALICO", later::get));
        assertNull(RecordedSettings.get(state, "INGRESS", later::get), "unset at up stays unset");
    }

    @Test
    void aLabRecordedBeforeTheFileExistedReadsTheEnvironment() {
        assertEquals("ingress-nginx", RecordedSettings.get(state, "INGRESS", Map.of("INGRESS", "ingress-nginx")::get));
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

package dev.netpaths.lab.rootless;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateDirsTest {
    @Test
    void rootKeepsRunWhateverTheEnvironment() {
        assertEquals(Path.of("/run/netpaths-lab"), StateDirs.defaultFor("np", false, Map.of("HOME", "/home/ann")::get));
        assertEquals(Path.of("/run/netpaths-lab-lab2"), StateDirs.defaultFor("lab2", false, Map.<String, String>of()::get));
    }

    @Test
    void rootlessUsesXdgStateHomeThenHome() {
        assertEquals(Path.of("/home/ann/.local/state/netpaths-lab-rl"), StateDirs.defaultFor("rl", true, Map.of("HOME", "/home/ann")::get));
        assertEquals(Path.of("/data/state/netpaths-lab"),
                StateDirs.defaultFor("np", true, Map.of("HOME", "/home/ann", "XDG_STATE_HOME", "/data/state")::get));
        // a relative XDG_STATE_HOME is invalid per the XDG spec and ignored
        assertEquals(Path.of("/home/ann/.local/state/netpaths-lab"),
                StateDirs.defaultFor("np", true, Map.of("HOME", "/home/ann", "XDG_STATE_HOME", "state")::get));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "relative", "/nonexistent"})
    void rootlessWithoutAUsableHomeSaysHowToChooseADir(String home) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateDirs.defaultFor("np", true, Map.of("HOME", home)::get));
        assertTrue(e.getMessage().contains("LAB_STATE_DIR"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/run/user/1000/lab", "/var/run/lab", "/etc/netns/x", "/run"})
    void rootlessStateDirMayNotSitUnderTheHoldersPrivateMounts(String dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDirs.checkRootless(Path.of(dir)));
        assertTrue(e.getMessage().contains("private mount"), e.getMessage());
    }

    @Test
    void rootlessStateDirElsewhereIsFine() {
        StateDirs.checkRootless(Path.of("/tmp/netpaths-lab-1000-rl"));
        StateDirs.checkRootless(Path.of("/home/ann/.local/state/netpaths-lab"));
        StateDirs.checkRootless(Path.of("/runner/lab"));
    }
}

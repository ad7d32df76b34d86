package dev.netpaths.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolTest {
    @TempDir
    Path dir;

    private Path program(String dirName, String name) throws Exception {
        Path bin = Files.createDirectories(dir.resolve(dirName));
        return Files.createFile(bin.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @Test
    void theFirstNameFoundOnPathWinsInNameOrder() throws Exception {
        Path browser = program("a", "chromium-browser");
        program("b", "google-chrome");
        String path = dir.resolve("a") + ":" + dir.resolve("b");
        assertEquals(Optional.of(browser),
                Tool.lookUp(Map.of("PATH", path), "CHROME_BIN", "chromium", "chromium-browser", "google-chrome"));
    }

    @Test
    void theEnvironmentVariableOverridesPathAndMustNameAnExecutable() throws Exception {
        Path mine = program("mine", "kubectl");
        program("bin", "kubectl");
        assertEquals(Optional.of(mine), Tool.lookUp(Map.of("PATH", dir.resolve("bin").toString(),
                "NETPATHS_KUBECTL", mine.toString()), "NETPATHS_KUBECTL", "kubectl"));
        assertEquals(Optional.empty(), Tool.lookUp(Map.of("PATH", dir.resolve("bin").toString(),
                "NETPATHS_KUBECTL", dir.resolve("nothing").toString()), "NETPATHS_KUBECTL", "kubectl"));
    }

    @Test
    void aNonExecutableFileIsNotTheTool() throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.createFile(dir.resolve("bin/kubectl"), PosixFilePermissions.asFileAttribute(Set.of()));
        assertEquals(Optional.empty(), Tool.lookUp(Map.of("PATH", dir.resolve("bin").toString()), "X", "kubectl"));
    }

    @Test
    void aMissingToolSkipsAnywhereButFailsWithTheReasonWhenRequired() {
        Tool absent = new Tool("kubectl (with kustomize)", "make deps, or set NETPATHS_KUBECTL", Optional.empty());
        assertFalse(absent.usable(Map.of()));
        assertEquals("kubectl (with kustomize) is missing: make deps, or set NETPATHS_KUBECTL", absent.missing());
        AssertionError e = assertThrows(AssertionError.class, () -> absent.usable(Map.of(Tool.REQUIRE, "1")));
        assertTrue(e.getMessage().startsWith(absent.missing()), e.getMessage());
        assertTrue(new Tool("x", "y", Optional.of(dir)).usable(Map.of(Tool.REQUIRE, "1")));
    }
}

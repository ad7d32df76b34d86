package dev.netpaths.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResourcePathsTest {
    @Test
    void aClassPathAndAMethodPathJoinWithOneSlash() {
        assertEquals("/", ResourcePaths.join("/", ""));
        assertEquals("/call", ResourcePaths.join("/call", ""));
        assertEquals("/hostname", ResourcePaths.join("/", "hostname"));
        assertEquals("/a/b", ResourcePaths.join("a/", "/b"));
    }
}

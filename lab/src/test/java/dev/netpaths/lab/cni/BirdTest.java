package dev.netpaths.lab.cni;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.netpaths.lab.api.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BirdTest {
    private final String config = Bird.config("172.18.0.3", "172.18.0.3",
            List.of("172.18.0.4", "172.18.0.2", "172.18.0.3"), "192.168.1.0/26", 64512);

    @Test
    void meshesWithEveryOtherNodeAndExportsOnlyItsBlock() {
        assertTrue(config.contains("protocol bgp mesh_172_18_0_2 from mesh {\n    neighbor 172.18.0.2 as 64512;\n}\n"), config);
        assertTrue(config.contains("protocol bgp mesh_172_18_0_4 from mesh {"), config);
        assertFalse(config.contains("neighbor 172.18.0.3 "), "no session to itself");
        assertTrue(config.contains("route 192.168.1.0/26 blackhole;"), config);
        assertTrue(config.contains("if source = RTS_BGP then accept;"), config);
        assertTrue(config.contains("    local 172.18.0.3 as 64512;\n    direct;"), config);
        assertTrue(config.contains("next hop self;"), config);
    }

    @Test
    void birdParsesIt(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/bird"), "needs bird2");
        Path file = dir.resolve("bird.conf");
        Files.writeString(file, config);
        Fixtures.Result result = Fixtures.run(null, "/usr/sbin/bird", "-p", "-c", file.toString());
        assertEquals(0, result.exitCode(), result.output());
    }
}

package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Backend;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.support.FakeServers;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a path is run: an external path converges on a streak of passing probes, then one more probe measures it. */
class PathRunnerTest {

    static final Environment.Settings SETTINGS = new Environment.Settings(4, 2, 6, 50, 1000, 500, 5, 3);
    static final PathCase CASE = new PathCase("loadBalancerIpIsServedByEchoV1", "loadbalancer", "", "", null);

    @Test
    void aConvergedExternalPathIsMeasuredByOneProbeAfterItsStreak() throws Exception {
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            Expect expect = Expect.answeredBy(Backend.echo("netpaths", "v1"));
            PathInstance path = new PathInstance(CASE, "", "host", "entry:loadbalancer",
                    new Request.HostHttp("127.0.0.1", echo.port(), "/echo", null, Map.of(),
                            SETTINGS.triesFor(expect), 1000), expect, "", null, null);
            PathRunner.Result result = new PathRunner(null, SETTINGS).run(path);
            assertTrue(result.passed(), result.problems().toString());
            assertEquals(4, result.runs(), "a streak of 3 passing probes, then the measuring probe");
            assertEquals(4, result.observation().attempts().size(), "the measuring probe's 4 tries are reported");
            assertEquals(16, new HashSet<>(echo.peerPorts()).size(), "each try of each probe was its own connection");
        }
    }

    @Test
    void pathsExpectedToFailGetFewerTriesThanPathsExpectedToAnswer() {
        assertEquals(4, SETTINGS.triesFor(Expect.answeredBy(Backend.echo("netpaths", "v1"))));
        assertEquals(2, SETTINGS.triesFor(Expect.noAnswer()));
    }
}

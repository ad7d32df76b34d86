package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.Served;
import dev.netpaths.conformance.support.FakeServers;
import dev.netpaths.wire.ErrorKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A converging path fails without waiting out its window only when discovery found that its Service has no ready
 * endpoint and none is coming AND its poll got no answer of the kind a path with nothing behind it gets (refused,
 * timed out, unreachable, or a proxy's 502/503/504). Anything else keeps the window, on real sockets.
 */
class NoEndpointFastFailTest {

    static final String FINDING = "Service netpaths/echo has no ready endpoint and none is coming: Deployment "
            + "netpaths/echo, the workload it selects, wants 0 pods";
    /** A 30 s window: a path that waited it out would make this test take 30 s and more than one poll. */
    static final Environment.Settings SETTINGS = new Environment.Settings(4, 2, 6, 50, 1000, 500, 30, 3);
    static final Environment.Settings SHORT = new Environment.Settings(4, 2, 6, 50, 1000, 500, 1, 3);

    static PathInstance external(int port, String finding) {
        return PathRunnerTest.external(new Request.HostHttp("127.0.0.1", port, "/v1/echo", null, Map.of(), 4, 1000))
                .withNoEndpoint(finding);
    }

    /** A proxy in front of nothing: every request gets {@code status} with its own (non-echo) body. */
    static HttpServer proxy(int status) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            byte[] body = "no healthy upstream".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void aRefusedPathWhoseServiceHasNoEndpointComingFailsAtItsFirstPoll() throws Exception {
        List<Long> pauses = new ArrayList<>();
        PathRunner.Result result = new PathRunner(null, SETTINGS, pauses::add)
                .run(external(FakeServers.closedPort(), FINDING));
        assertFalse(result.passed());
        assertEquals(1, result.runs(), "one poll, no window");
        assertEquals(List.of(), pauses);
        assertEquals(List.of("1/1 tries failed {REFUSED=1}, first: REFUSED Connection refused",
                "no convergence window: " + FINDING + ", and nothing answered"), result.problems());
    }

    @Test
    void aProxysNoUpstreamAnswerFailsAtOnceInTheLane() throws Exception {
        for (int status : List.of(502, 503, 504)) {
            HttpServer proxy = proxy(status);
            try {
                PathRunner.Started started = new PathRunner(null, SETTINGS, ms -> { })
                        .start(external(proxy.getAddress().getPort(), FINDING));
                assertNull(started.waiting(), "nothing handed off beside the lane (" + status + ")");
                assertFalse(started.result().passed());
                assertTrue(started.result().problems().get(0).contains("HTTP_STATUS HTTP " + status),
                        started.result().problems().toString());
                assertTrue(started.result().problems().get(1).startsWith("no convergence window: "),
                        started.result().problems().toString());
            } finally {
                proxy.stop(0);
            }
        }
    }

    /** The same refusal without the finding (pods wanted, not Ready yet): the path gets its window, as before. */
    @Test
    void withoutTheFindingARefusedPathWaitsOutItsWindow() throws Exception {
        PathRunner.Result result = new PathRunner(null, SHORT).run(external(FakeServers.closedPort(), null));
        assertFalse(result.passed());
        assertTrue(result.runs() >= 2, "polled through its window: " + result.runs());
        assertTrue(result.problems().get(1).startsWith("not 3 consecutive successes within 1 s"),
                result.problems().toString());
    }

    /** A 404 of the entry point is not what a missing endpoint gives (a route is missing): the window stays. */
    @Test
    void anErrorOfAnotherKindKeepsTheWindowDespiteTheFinding() throws Exception {
        HttpServer proxy = proxy(404);
        try {
            PathRunner.Result result = new PathRunner(null, SHORT).run(external(proxy.getAddress().getPort(), FINDING));
            assertFalse(result.passed());
            assertTrue(result.runs() >= 2, "polled through its window: " + result.runs());
            assertTrue(result.problems().get(result.problems().size() - 1)
                    .startsWith("not 3 consecutive successes within 1 s"), result.problems().toString());
        } finally {
            proxy.stop(0);
        }
    }

    /** Discovery was wrong or is stale (the pods came since): an answering path passes, with its streak, as ever. */
    @Test
    void anAnsweringPathPassesWhateverDiscoveryFound() throws Exception {
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            PathRunner.Result result = new PathRunner(null, SETTINGS, ms -> { }).run(external(echo.port(), FINDING));
            assertTrue(result.passed(), result.problems().toString());
            assertEquals(3, result.runs());
        }
    }

    /** An echo pod answered (the wrong one): something is behind the path after all, so the window stays. */
    @Test
    void anEchoAnswerOfTheWrongVersionKeepsTheWindow() throws Exception {
        try (FakeServers.Server v2 = FakeServers.echo("echo-v2-a", "netpaths", "v2", "node-a")) {
            PathRunner.Result result = new PathRunner(null, SHORT).run(external(v2.port(), FINDING));
            assertFalse(result.passed());
            assertTrue(result.runs() >= 2, "polled through its window: " + result.runs());
            assertTrue(result.problems().stream().noneMatch(p -> p.startsWith("no convergence window")),
                    result.problems().toString());
        }
    }

    @Test
    void whichTriesSayThereIsNothingBehindThePath() {
        Served echo = new Served("echo-service", "v1", "echo-a", "netpaths", "node-a", "10.244.1.3", "test");
        for (ErrorKind kind : ErrorKind.values()) {
            assertEquals(ErrorKind.NO_ANSWER.contains(kind), PathRunner.saysNoEndpoint(
                    Attempt.failed(kind, "x", 1, "127.0.0.1")), kind.name());
        }
        assertTrue(PathRunner.saysNoEndpoint(status(503, null)));
        assertTrue(PathRunner.saysNoEndpoint(status(502, null)));
        assertFalse(PathRunner.saysNoEndpoint(status(503, echo)), "echo itself answered 503");
        assertFalse(PathRunner.saysNoEndpoint(status(404, null)));
        assertFalse(PathRunner.saysNoEndpoint(status(500, null)));
        assertFalse(PathRunner.saysNoEndpoint(new Attempt(true, 200, 1, null, "127.0.0.1", null, null, null, null,
                "<html>")), "something answered");
    }

    static Attempt status(int status, Served served) {
        return new Attempt(false, status, 1, served, "127.0.0.1", null, null, ErrorKind.HTTP_STATUS, "HTTP " + status,
                null);
    }

    /**
     * report.json's durationMs: from a path's start in the lane to its verdict, a window waited out beside the lane
     * included (a lower bound only: the window is real time).
     */
    @Test
    void theSchedulerTimesEachPathFromItsStartToItsVerdict() throws Exception {
        List<PathInstance> paths = new ArrayList<>();
        paths.add(external(FakeServers.closedPort(), null)); // waits out its 1 s window beside the lane
        paths.add(null); // nothing to probe
        paths.add(external(FakeServers.closedPort(), FINDING)); // settled in the lane
        java.util.Map<Integer, PathScheduler.Outcome> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        new PathScheduler(new PathRunner(null, SHORT), SHORT.convergeSeconds()).run(paths, i -> { },
                outcomes::put);
        // the window is 1 s from the path's first poll, which starts after the lane's clock for the path; it is over
        // when less than 1 ms is left (HostProbe.Budget cuts a try's timeout to whole milliseconds: none fits), so
        // its verdict comes at least 999 ms after the path's start
        assertTrue(outcomes.get(0).millis() >= 999, "the window is in it: " + outcomes.get(0).millis());
        assertEquals(0, outcomes.get(1).millis());
        assertEquals(1, outcomes.get(2).result().runs());
        assertFalse(outcomes.get(2).result().passed());
    }
}

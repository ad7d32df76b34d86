package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Backend;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.support.FakeServers;
import dev.netpaths.conformance.support.ScriptedCaller;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.conformance.probe.Observation;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a path is run: an external path converges on a streak of passing probes, then one more probe measures it. */
class PathRunnerTest {

    static final Environment.Settings SETTINGS = new Environment.Settings(4, 2, 6, 50, 1000, 500, 5, 3);
    static final PathCase CASE = new PathCase("loadBalancerIpIsServedByEchoV1", "loadbalancer", "", "", null);

    /**
     * A healthy external path costs its streak's probes and nothing more: three back to back, no pause between
     * them (a pause follows only a failed poll), and the last, with all its tries, is the measurement.
     */
    @Test
    void aHealthyExternalPathCostsItsStreaksProbesAndTheLastIsTheMeasurement() throws Exception {
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            Expect expect = Expect.answeredBy(Backend.echo("netpaths", "v1"));
            PathInstance path = new PathInstance(CASE, "", "host", "entry:loadbalancer",
                    new Request.HostHttp("127.0.0.1", echo.port(), "/echo", null, Map.of(),
                            SETTINGS.triesFor(expect), 1000), expect, "", null, null);
            List<Long> pauses = new ArrayList<>();
            PathRunner.Result result = new PathRunner(null, SETTINGS, pauses::add).run(path);
            assertTrue(result.passed(), result.problems().toString());
            assertEquals(3, result.runs(), "a streak of 3 passing probes, no extra measuring probe");
            assertEquals(4, result.observation().attempts().size(), "the last probe's 4 tries are reported");
            assertEquals(12, new HashSet<>(echo.peerPorts()).size(), "each try of each probe was its own connection");
            assertEquals(List.of(), pauses, "no pause between passing polls (before: two of " + PathRunner.POLL_INTERVAL_MS + " ms)");
        }
    }

    /** A failed poll is followed by the pause, and the streak starts over: fail, pass, fail, pass x3. */
    @Test
    void aFailedPollIsFollowedByAPauseAndTheStreakStartsOver() throws Exception {
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            List<String> polls = new ArrayList<>();
            List<String> events = new ArrayList<>();
            List<Boolean> answers = List.of(false, true, false, true, true, true);
            CallerChannel channel = ScriptedCaller.answering((caller, request) -> {
                boolean answered = answers.get(polls.size());
                polls.add(answered ? "pass" : "fail");
                events.add(answered ? "pass" : "fail");
                return answered
                        ? dev.netpaths.conformance.probe.HostProbe.http("127.0.0.1", echo.port(), "/echo", null, Map.of(),
                                request.tries(), Duration.ofSeconds(1))
                        : Observation.of(List.of(Attempt.failed(ErrorKind.REFUSED, "refused", 1, "10.0.0.1")));
            });
            Environment.Settings settings = new Environment.Settings(2, 1, 6, 50, 1000, 500, 30, 3);
            Topology.Pod caller = new Topology.Pod("netpaths", "caller-a", "node-a", "10.0.0.1", "172.18.0.2",
                    Map.of(), true);
            PathInstance peer = new PathInstance(CASE, "", "node:node-a", "peer", new Request.CallerHttp(caller,
                    new CallRequest("http://172.18.255.201:80/echo", 2, 1000, Map.of())), V1, "", null, null);
            PathRunner.Result result = new PathRunner(channel, settings, ms -> events.add("pause " + ms)).run(peer);
            assertTrue(result.passed(), result.problems().toString());
            assertEquals(6, result.runs());
            assertEquals(List.of("fail", "pause 500", "pass", "fail", "pause 500", "pass", "pass", "pass"), events);
        }
    }

    static final Expect V1 = Expect.answeredBy(Backend.echo("netpaths", "v1"));

    static PathInstance external(Request request) {
        return new PathInstance(CASE, "", "host", "entry:loadbalancer", request, V1, "", null, null);
    }

    /**
     * A dropped UDP NodePort (bound, never answers; DatagramSocket.receive cannot be interrupted): before the fix
     * each poll made all its tries, outlived the window, and the runner threw null. Now it FAILS within the window
     * plus one try, naming what happened.
     */
    @Test
    void aSilentUdpPathFailsWithinItsWindowInsteadOfCrashingTheRun() throws Exception {
        Environment.Settings settings = new Environment.Settings(30, 2, 6, 50, 1000, 500, 2, 3);
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            PathRunner.Result result = new PathRunner(null, settings).run(external(
                    new Request.HostUdp("127.0.0.1", silent.getLocalPort(), 30, 1000)));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertFalse(result.passed());
            assertTrue(String.join("; ", result.problems()).contains("READ_TIMEOUT"), result.problems().toString());
            assertTrue(result.problems().get(result.problems().size() - 1)
                    .startsWith("not 3 consecutive successes within 2 s"), result.problems().toString());
            assertEquals(1, result.observation().attempts().size(), "a poll stops at its first failed try");
            assertTrue(seconds < 2 + 1 + 1.5, "window + one try (+ slack), not 30 tries: " + seconds + " s");
        }
    }

    /** TCP accepted by the kernel but never answered (a read timeout): same bound, and no harness blame. */
    @Test
    void anUnansweredTcpPathFailsWithinItsWindowAsTheNetworksProblem() throws Exception {
        Environment.Settings settings = new Environment.Settings(30, 2, 6, 50, 1000, 500, 2, 3);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            PathRunner.Result result = new PathRunner(null, settings).run(external(new Request.HostHttp(
                    "127.0.0.1", silent.getLocalPort(), "/echo", null, Map.of(), 30, 1000)));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertFalse(result.passed());
            assertTrue(result.problems().get(0).contains("READ_TIMEOUT"), result.problems().toString());
            assertTrue(seconds < 2 + 1 + 1.5, seconds + " s");
        }
    }

    @Test
    void aWindowWithNoFinishedProbeFailsSayingSo() throws Exception {
        Environment.Settings settings = new Environment.Settings(30, 2, 6, 50, 1000, 500, 0, 3);
        PathRunner.Result result = new PathRunner(null, settings).run(external(
                new Request.HostUdp("127.0.0.1", FakeServers.closedPort(), 30, 1000)));
        assertEquals(List.of("no probe finished within 0 s"), result.problems());
        assertNull(result.observation());
    }

    /** A caller probe in the window is fitted to the time left: fewer tries, never a call outliving the window. */
    @Test
    void aCallerPollIsFittedToTheTimeLeft() throws Exception {
        List<CallRequest> asked = new ArrayList<>();
        CallerChannel channel = ScriptedCaller.answering((caller, request) -> {
            asked.add(request);
            return Observation.of(List.of(Attempt.failed(ErrorKind.CONNECT_TIMEOUT, "dropped", 1, "10.0.0.1")));
        });
        Environment.Settings settings = new Environment.Settings(30, 2, 6, 50, 3000, 500, 1, 3);
        Topology.Pod caller = new Topology.Pod("netpaths", "caller-a", "node-a", "10.0.0.1", "172.18.0.2", Map.of(),
                true);
        PathInstance peer = new PathInstance(CASE, "", "node:node-a", "peer", new Request.CallerHttp(caller,
                new CallRequest("http://172.18.255.201:80/echo", 30, 3000, Map.of())), V1, "", null, null);
        PathRunner.Result result = new PathRunner(channel, settings).run(peer);
        assertFalse(result.passed());
        assertTrue(asked.stream().allMatch(r -> r.tries() == 1 && r.timeoutMs() <= 1000), asked.toString());
    }

    @Test
    void pathsExpectedToFailGetFewerTriesThanPathsExpectedToAnswer() {
        assertEquals(4, SETTINGS.triesFor(Expect.answeredBy(Backend.echo("netpaths", "v1"))));
        assertEquals(2, SETTINGS.triesFor(Expect.noAnswer()));
    }

    /**
     * An in-cluster path expected to answer asks its caller to stop after 3 tries that all failed: its verdict is
     * FAILED from the first failed try on, and a Service without endpoints would otherwise cost a UDP timeout on
     * each rate-limited ICMP reply. A path expected to fail asks for every try (each must show the failure).
     */
    @Test
    void aCallerStopsAfterThreeFailedTriesOnlyWhereAFailedTryDecidesTheVerdict() throws Exception {
        List<CallRequest> asked = new ArrayList<>();
        CallerChannel channel = new CallerChannel() {
            @Override
            public String get(Topology.Pod caller, String pathAndQuery, Duration timeout) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Observation call(Topology.Pod caller, CallRequest request) {
                asked.add(request);
                int made = request.stopAfterFailures() > 0 ? request.stopAfterFailures() : request.tries();
                List<Attempt> attempts = new ArrayList<>();
                for (int i = 0; i < made; i++) {
                    attempts.add(Attempt.failed(ErrorKind.REFUSED, "PortUnreachableException", 1, "10.0.0.1"));
                }
                return Observation.of(attempts);
            }
        };
        Topology.Pod caller = new Topology.Pod("netpaths", "caller-a", "node-a", "10.0.0.1", "172.18.0.2", Map.of(),
                true);
        CallRequest udp = new CallRequest("udp://echo:5005", 30, 3000, Map.of());
        PathRunner runner = new PathRunner(channel, SETTINGS);

        PathRunner.Result answered = runner.run(new PathInstance(CASE, "", "node:node-a", "service:echo",
                new Request.CallerHttp(caller, udp), V1, "", null, null));
        assertEquals(3, asked.get(0).stopAfterFailures());
        assertTrue(asked.get(0).query().contains("&stopAfterFailures=3"), asked.get(0).query());
        assertFalse(answered.passed());
        assertEquals("3/3 tries failed {REFUSED=3}, first: REFUSED PortUnreachableException",
                answered.problems().get(0));

        PathRunner.Result refused = runner.run(new PathInstance(CASE, "", "node:node-a", "service:echo",
                new Request.CallerHttp(caller, udp), Expect.fails(ErrorKind.REFUSED), "", null, null));
        assertEquals(0, asked.get(1).stopAfterFailures());
        assertFalse(asked.get(1).query().contains("stopAfterFailures"), asked.get(1).query());
        assertTrue(refused.passed(), refused.problems().toString());
        assertEquals(30, refused.observation().attempts().size());
    }

    /** The premise of stopping early: for each outcome that stops, one failed try alone already FAILS the path. */
    @Test
    void whereACallerStopsEarlyOneFailedTryAloneFailsThePath() {
        Observation oneFailed = Observation.of(List.of(Attempt.failed(ErrorKind.READ_TIMEOUT, "no reply", 1,
                "10.0.0.1")));
        int stopping = 0;
        for (Expect.Outcome outcome : Expect.Outcome.values()) {
            Expect expect = new Expect(outcome, Backend.echo("netpaths", "v1"), Expect.ClientIp.ANY, 0,
                    Map.of("v1", 100), 0, false, 200, java.util.Set.of(ErrorKind.REFUSED), List.of());
            if (PathRunner.failedTryFails(expect)) {
                stopping++;
                assertFalse(dev.netpaths.conformance.catalogue.Evaluator.problems(expect, oneFailed, 30).isEmpty(),
                        outcome.name());
            }
        }
        assertEquals(6, stopping);
    }
}

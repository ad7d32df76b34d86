package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.HostProbe;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import dev.netpaths.conformance.support.FakeServers;
import dev.netpaths.conformance.support.ScriptedCaller;
import dev.netpaths.wire.ErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * The measuring lane and the waiters beside it, on real sockets: broken external paths wait out their windows at
 * the same time while the lane goes on, every measurement is made in the lane, and the verdicts are the
 * sequential runner's.
 */
class PathSchedulerTest {

    static final Topology.Pod CALLER = new Topology.Pod("netpaths", "caller-a", "node-a", "10.0.0.1", "172.18.0.2",
            Map.of(), true);

    static PathInstance hostHttp(int port, int tries) {
        return PathRunnerTest.external(new Request.HostHttp("127.0.0.1", port, "/echo", null, Map.of(), tries, 1000));
    }

    static PathInstance peer(String url, int tries) {
        return new PathInstance(PathRunnerTest.CASE, url, "node:node-a", "peer",
                new Request.CallerHttp(CALLER, new CallRequest(url, tries, 1000, Map.of())), PathRunnerTest.V1, "",
                null, null);
    }

    /** What a scheduler run handed out, and where. */
    static final class Recorded {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, PathScheduler.Outcome> outcomes = new ConcurrentHashMap<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        void run(PathRunner runner, int window, List<PathInstance> paths) {
            new PathScheduler(runner, window).run(paths, i -> {
                threads.add(Thread.currentThread().getName());
                events.add("start " + i);
            }, (i, o) -> {
                threads.add(Thread.currentThread().getName());
                events.add("done " + i);
                outcomes.put(i, o);
            });
        }
    }

    /**
     * Two refused external paths and a healthy one: the two windows are waited out at the same time (each
     * waiter's first pause meets the other's at a barrier, which could not happen one window after the other),
     * the lane starts the healthy path before the first broken one is done, results come in the paths' order,
     * and each verdict is the one PathRunner.run gives (but for the number of polls the window held).
     */
    @Test
    void brokenPathsWaitOutTheirWindowsTogetherBesideTheLane() throws Exception {
        Environment.Settings settings = new Environment.Settings(4, 2, 6, 50, 1000, 500, 4, 3);
        CyclicBarrier firstPauses = new CyclicBarrier(2);
        Set<String> met = ConcurrentHashMap.newKeySet();
        Set<String> pausedOn = ConcurrentHashMap.newKeySet();
        LongConsumer pause = ms -> {
            String me = Thread.currentThread().getName();
            pausedOn.add(me);
            try {
                if (!met.contains(me)) {
                    met.add(me);
                    firstPauses.await(10, TimeUnit.SECONDS); // bounded: a waiter alone times out here
                }
                Thread.sleep(ms);
            } catch (Exception e) {
                met.add("barrier broken in " + me + ": " + e);
                Thread.currentThread().interrupt();
            }
        };
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            List<PathInstance> paths = List.of(hostHttp(FakeServers.closedPort(), 4),
                    hostHttp(FakeServers.closedPort(), 4), hostHttp(echo.port(), 4));
            Recorded r = new Recorded();
            r.run(new PathRunner(null, settings, pause), 4, paths);

            assertTrue(met.stream().noneMatch(m -> m.startsWith("barrier broken")), met.toString());
            assertEquals(2, pausedOn.size(), "each broken path waited in a thread of its own: " + pausedOn);
            assertFalse(pausedOn.contains(Thread.currentThread().getName()), "the lane never pauses");
            assertEquals(Set.of(Thread.currentThread().getName()), r.threads, "the lane starts and hands out");
            assertTrue(r.events.indexOf("start 2") < r.events.indexOf("done 0"),
                    "the healthy path started before the first broken path's window was over: " + r.events);
            assertEquals(List.of("done 0", "done 1", "done 2"),
                    r.events.stream().filter(e -> e.startsWith("done")).toList(), "handed out in order");

            PathRunner sequential = new PathRunner(null, settings);
            for (int i = 0; i < paths.size(); i++) {
                PathRunner.Result lane = r.outcomes.get(i).result();
                PathRunner.Result alone = sequential.run(paths.get(i));
                assertEquals(alone.passed(), lane.passed(), "path " + i);
                assertEquals(withoutRuns(alone.problems()), withoutRuns(lane.problems()), "path " + i);
            }
            assertEquals(3, r.outcomes.get(2).result().runs(), "the healthy path cost its streak, in the lane");
            assertTrue(r.outcomes.get(0).result().problems().get(1).startsWith("not 3 consecutive successes within 4 s"),
                    r.outcomes.get(0).result().problems().toString());
        }
    }

    static List<String> withoutRuns(List<String> problems) {
        return problems.stream().map(p -> p.replaceAll("\\(\\d+ runs\\)", "(N runs)")).toList();
    }

    /**
     * A path that fails its first poll and converges in its waiter: the streak's polls run there, and the
     * measurement is one more probe with all its tries, made in the lane.
     */
    @Test
    void aPathThatConvergesBesideTheLaneIsMeasuredInTheLane() throws Exception {
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            List<String> calls = Collections.synchronizedList(new ArrayList<>());
            CallerChannel channel = ScriptedCaller.answering((caller, request) -> {
                boolean first = calls.isEmpty();
                calls.add(Thread.currentThread().getName() + " " + request.tries());
                return first ? Observation.of(List.of(Attempt.failed(ErrorKind.REFUSED, "refused", 1, "10.0.0.1")))
                        : HostProbe.http("127.0.0.1", echo.port(), "/echo", null, Map.of(), request.tries(),
                                Duration.ofSeconds(1));
            });
            Environment.Settings settings = new Environment.Settings(3, 1, 6, 50, 1000, 500, 30, 3);
            Recorded r = new Recorded();
            r.run(new PathRunner(channel, settings, ms -> { }), 30, List.of(peer("http://172.18.255.201/echo", 3)));

            PathRunner.Result result = r.outcomes.get(0).result();
            assertTrue(result.passed(), result.problems().toString());
            assertEquals(5, result.runs(), "a failed poll, a streak of 3, the measurement");
            assertEquals(3, result.observation().attempts().size());
            String lane = Thread.currentThread().getName();
            assertEquals(5, calls.size(), calls.toString());
            assertEquals(lane + " 3", calls.get(0), "the first poll in the lane");
            for (String call : calls.subList(1, 4)) {
                assertNotEquals(lane, call.substring(0, call.lastIndexOf(' ')), "the streak in the waiter: " + calls);
            }
            assertEquals(lane + " 3", calls.get(4), "the measurement in the lane, all tries: " + calls);
        }
    }

    /** A caller that cannot be asked at all, all window long: the error reaches the engine, as from run(). */
    @Test
    void aCallerThatCannotBeAskedIsThePathsErrorAfterItsWindow() {
        CallerChannel down = new CallerChannel() {
            @Override
            public String get(Topology.Pod caller, String pathAndQuery, Duration timeout) throws ProbeException {
                throw new ProbeException(ErrorKind.REFUSED, "caller down");
            }
        };
        Recorded r = new Recorded();
        r.run(new PathRunner(down, new Environment.Settings(3, 1, 6, 50, 1000, 500, 1, 3)), 1,
                java.util.Arrays.asList(peer("http://172.18.255.201/echo", 3), null));
        PathScheduler.Outcome o = r.outcomes.get(0);
        assertNull(o.result());
        assertEquals("caller down", o.probeError().getMessage());
        assertEquals(PathScheduler.Outcome.NOTHING, r.outcomes.get(1), "a path with nothing to probe");
    }
}

package dev.netpaths.lab.live;

import com.sun.net.httpserver.HttpServer;
import dev.netpaths.lab.live.Disruption.PathResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The disruption case's counting and verdict, on real sockets: the load (a JVM of its own, as in the lab and against a
 * real cluster) on loopback HTTP servers, one of which stops while the "rollout" runs.
 */
class DisruptionTest {
    private static final Duration SETTLE = Duration.ofMillis(700);

    private static List<PathResult> paths(long clusterIpOk) {
        return List.of(new PathResult("clusterip", 500, clusterIpOk, clusterIpOk == 500 ? "" : "caller-REFUSED=1"),
                new PathResult("gateway", 500, 500, ""), new PathResult("ingress", 500, 500, ""),
                new PathResult("loadbalancer", 500, 500, ""), new PathResult("nodeport", 500, 500, ""));
    }

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void passesOnlyWhenEveryPathCarriedRequestsAndNoneFailed() {
        assertEquals(0, Disruption.verdict(paths(500), 5, false, QUIET));
        assertEquals(1, Disruption.verdict(paths(499), 5, false, QUIET), "one lost request fails the case");
        assertEquals(1, Disruption.verdict(paths(500).subList(0, 4), 5, false, QUIET), "a path missing fails it");
        List<PathResult> idle = new java.util.ArrayList<>(paths(500));
        idle.set(1, new PathResult("gateway", 0, 0, ""));
        assertEquals(1, Disruption.verdict(idle, 5, false, QUIET), "a path that carried nothing fails it");
        assertEquals(0, Disruption.verdict(paths(499), 5, true, QUIET), "--no-drain: the failures are the lesson");
    }

    private static HttpServer echo() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        s.createContext("/echo", x -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        return s;
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort() + "/echo";
    }

    @Test
    void aBackendThatStopsDuringTheRollIsCountedAsRefusedAndTheSteadyOneLosesNothing() throws IOException {
        HttpServer steady = echo();
        HttpServer stopping = echo();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            List<String> launcher = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    Disruption.selfJar().toString());
            List<PathResult> results = Disruption.measure(launcher,
                    List.of("steady=" + url(steady) + "||\"ok\":true", "stopping=" + url(stopping)),
                    () -> stopping.stop(0), SETTLE, new PrintStream(log, true, StandardCharsets.UTF_8));
            Map<String, PathResult> by = results.stream().collect(Collectors.toMap(PathResult::path, Function.identity()));
            assertTrue(by.get("steady").total() >= 5, "the load ran: " + by);
            assertEquals(by.get("steady").total(), by.get("steady").ok(), "the steady path lost nothing: " + by);
            assertTrue(by.get("stopping").failed() >= 3, "the stopped path's requests after the roll failed: " + by);
            assertTrue(by.get("stopping").failures().contains("refused="), by.get("stopping").failures());
            assertEquals(1, Disruption.verdict(results, 2, false, QUIET));
            assertTrue(log.toString().matches("(?s).*disruption: stopping: [0-9:.]+ refused after [0-9]+ ms\n.*"),
                    "each failure is listed with its time, to lay beside the rollout's log: " + log);
        } finally {
            steady.stop(0);
        }
    }

    @Test
    void againstARealClusterTheRollCommandRunsUnderLoadAndItsFailureFailsTheCase() throws IOException {
        HttpServer steady = echo();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String[] passing = {"clusterip=" + url(steady), "--", "true"};
            assertEquals(0, Disruption.cli(passing, SETTLE, new PrintStream(out, true, StandardCharsets.UTF_8), QUIET), out.toString());
            assertTrue(out.toString().contains("disruption: PASSED, no request lost"), out.toString());
            out.reset();
            String[] failing = {"clusterip=" + url(steady), "--", "false"};
            assertEquals(1, Disruption.cli(failing, SETTLE, new PrintStream(out, true, StandardCharsets.UTF_8), QUIET), out.toString());
            assertTrue(out.toString().contains("the roll command exited 1"), out.toString());
        } finally {
            steady.stop(0);
        }
    }

    @Test
    void anAnswerLaterThanTheReadTimeoutIsLostAndThroughTheCallerSaysWhatItBecame() throws IOException {
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        slow.createContext("/echo", x -> {
            try {
                Thread.sleep(Load.READ_TIMEOUT_MS + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"ok\":false,\"error\":{\"kind\":\"CONNECT_TIMEOUT\"}}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.start();
        try {
            java.net.URI uri = java.net.URI.create(url(slow));
            assertEquals("read-timeout", Load.once(new Load.Target("nodeport", uri, null, null)));
            assertEquals("read-timeout/caller-CONNECT_TIMEOUT", Load.once(new Load.Target("clusterip", uri, null, "\"ok\":true")));
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void aColdFirstAnswerIsTheWarmUpNotALoss() throws IOException {
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer cold = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        cold.createContext("/echo", x -> {
            if (served.getAndIncrement() == 0) {
                try {
                    Thread.sleep(Load.READ_TIMEOUT_MS + 500); // a cold JVM's first call
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        cold.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cold.start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            List<String> launcher = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    Disruption.selfJar().toString());
            List<PathResult> results = Disruption.measure(launcher, List.of("clusterip=" + url(cold) + "||\"ok\":true"),
                    () -> { }, SETTLE, new PrintStream(log, true, StandardCharsets.UTF_8));
            assertEquals(1, results.size());
            assertEquals(results.get(0).total(), results.get(0).ok(), "warm, nothing is lost: " + results + log);
            assertTrue(log.toString().matches("(?s).*warm-up, not counted: \\{clusterip=ok after [0-9]+ requests, [0-9]+ ms \\(the first: read-timeout.*"),
                    log.toString());
        } finally {
            cold.stop(0);
        }
    }

    @Test
    void badArgumentsAreAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Disruption.cli(new String[] {"clusterip=http://127.0.0.1:1/echo"}, SETTLE, QUIET, e), "no roll command");
        assertEquals(2, Disruption.cli(new String[] {"--", "true"}, SETTLE, QUIET, e), "no path");
        assertEquals(2, Disruption.cli(new String[] {"clusterip=ftp://x", "--", "true"}, SETTLE, QUIET, e), "not http");
        assertTrue(err.toString().contains("unexpected argument \"clusterip=ftp://x\""), err.toString());
    }
}

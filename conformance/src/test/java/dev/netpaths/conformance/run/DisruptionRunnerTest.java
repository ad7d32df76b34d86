package dev.netpaths.conformance.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.netpaths.conformance.catalogue.DisruptionPlan;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.catalogue.Target;
import dev.netpaths.conformance.discovery.Rollout;
import dev.netpaths.conformance.probe.HostProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disruption group's run on real sockets: the load (probe/Load, the harness's own host probe) against an
 * echo-shaped server while a scripted rollout (discovery/Rollout over a recorded CLI) "rolls" it: a rollout that
 * keeps it serving loses nothing, one that takes it down for a moment loses requests, and the control's drain is
 * set and restored around its measured rollout. Only the order of events is asserted, never a timing.
 */
class DisruptionRunnerTest {

    private HttpServer echo;
    /** While set, the server answers 503 (a pod that stopped before the data plane moved on). */
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<String> commands = new ArrayList<>();
    private final StringWriter progress = new StringWriter();
    /** What the scripted CLI's rollout does to the server: with the drain nothing, without it a gap. */
    private String drain;

    @BeforeEach
    void start() throws IOException {
        echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        echo.createContext("/", exchange -> {
            boolean gone = down.get();
            byte[] body = (gone ? "stopping" : "{\"service\":\"echo-service\",\"version\":\"v1\",\"pod\":\"echo-1\","
                    + "\"namespace\":\"netpaths\",\"node\":\"n\",\"podIp\":\"127.0.0.1\",\"hostIp\":\"127.0.0.1\","
                    + "\"cluster\":\"test\",\"request\":{\"method\":\"GET\",\"path\":\"/echo\",\"host\":\"x\","
                    + "\"clientIp\":\"127.0.0.1\",\"clientPort\":1,\"xForwardedFor\":null}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(gone ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        echo.start();
    }

    @AfterEach
    void stop() {
        echo.stop(0);
    }

    /** The lab's CLI as the harness calls it, scripted: records each command; a rollout without drain has a gap. */
    private Rollout.Result cli(List<String> command, Duration timeout) {
        String line = String.join(" ", command.subList(1, command.size()));
        commands.add(line);
        if (line.contains("set env deployment/echo --list")) {
            return new Rollout.Result(0, "# Deployment echo, container echo\n"
                    + (drain == null ? "" : "QUARKUS_SHUTDOWN_DELAY=" + drain + "\n"));
        }
        if (line.contains("set env deployment/echo QUARKUS_SHUTDOWN_DELAY=")) {
            drain = line.replaceAll(".*QUARKUS_SHUTDOWN_DELAY=(\\S+).*", "$1");
            return new Rollout.Result(0, "");
        }
        if (line.contains("set env deployment/echo QUARKUS_SHUTDOWN_DELAY-")) {
            drain = null;
            return new Rollout.Result(0, "");
        }
        if (line.contains("rollout restart deployment/echo")) {
            if ("0s".equals(drain)) {
                down.set(true);
                pause(600);
                down.set(false);
            } else {
                pause(600);
            }
            return new Rollout.Result(0, "");
        }
        return new Rollout.Result(1, "unexpected: " + line);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DisruptionRunner runner() {
        return new DisruptionRunner(Rollout.labCli(Path.of("/repo/scripts/lab/lab.sh"), Duration.ofSeconds(60),
                this::cli), new PrintWriter(progress, true), Duration.ofMillis(20), Duration.ofMillis(300));
    }

    private DisruptionPlan plan(boolean withDrain) {
        int port = echo.getAddress().getPort();
        return new DisruptionPlan("netpaths", "echo", withDrain, List.of(
                new DisruptionPlan.LoadPath("nodeport", new Request.HostHttp("127.0.0.1", port, "/echo", null, Map.of(),
                        1, 2000)),
                new DisruptionPlan.LoadPath("ingress", new Request.HostHttp("127.0.0.1", port, "/v1",
                        "ingress.netpaths.test", Map.of(), 1, 2000))));
    }

    private static PathInstance row(DisruptionPlan plan, String path, Expect expect) {
        PathCase c = new PathCase(expect.outcome() == Expect.Outcome.NO_REQUEST_LOST ? "rollingRestartLosesNoRequest"
                : "rollingRestartWithoutDrainLosesRequests", "disruption", "test", "test", new Target.Disruption(true));
        return new PathInstance(c, path == null ? "every path" : path, "host", "check:disruption",
                new Request.Disruption(plan, path), expect, "hint", null, null);
    }

    private static PathRunner.Result judge(DisruptionRunner runner, PathInstance row) {
        return runner.run(row, (Request.Disruption) row.request(), r -> {
            Request.HostHttp h = (Request.HostHttp) r;
            return HostProbe.http(h.ip(), h.port(), h.path(), h.hostHeader(), h.headers(), h.tries(),
                    Duration.ofMillis(h.timeoutMs()));
        });
    }

    @Test
    void aRolloutThatKeepsServingLosesNoRequestOnAnyPathAndRunsOnceForEveryRow() {
        DisruptionRunner runner = runner();
        DisruptionPlan plan = plan(true);
        PathRunner.Result nodePort = judge(runner, row(plan, "nodeport", Expect.noRequestLost()));
        PathRunner.Result ingress = judge(runner, row(plan, "ingress", Expect.noRequestLost()));
        assertEquals(List.of(), nodePort.problems());
        assertEquals(List.of(), ingress.problems());
        assertTrue(nodePort.observation().attempts().size() > 0);
        assertEquals(List.of("rollout restart deployment/echo -n netpaths --timeout 60"), commands,
                "one rollout for both rows, and nothing read before it");
        assertTrue(nodePort.note().matches("[0-9]+ requests, 0 lost; warm-up \\(not counted\\): ok after .*; rolled from "
                + ".* by the lab's CLI lab.sh"), nodePort.note());
        assertTrue(progress.toString().contains("disruption: rollout starts at "), progress.toString());
    }

    @Test
    void aRolloutThatStopsThePodsFirstFailsTheReferenceCaseNamingTheDrain() {
        drain = "0s"; // the break: echo without its drain, and the reference case run against it
        DisruptionRunner runner = runner();
        PathRunner.Result r = judge(runner, row(plan(true), "nodeport", Expect.noRequestLost()));
        assertTrue(r.problems().get(0).matches("[1-9][0-9]* of [0-9]+ requests lost while echo rolled \\(HTTP_503=[0-9]+\\); "
                + "the first: .* UTC HTTP_503 after .*"), r.problems().toString());
        assertEquals("echo carries QUARKUS_SHUTDOWN_DELAY=0s (the reference manifests leave it unset: a 5 s drain)",
                r.problems().get(1), "after a loss the setting is read and named");
        assertEquals(List.of("rollout restart deployment/echo -n netpaths --timeout 60",
                "set env deployment/echo --list -n netpaths --timeout 60"), commands);
    }

    @Test
    void theControlRollsEchoWithoutItsDrainLosesRequestsAndRestoresTheDrain() {
        DisruptionRunner runner = runner();
        PathRunner.Result r = judge(runner, row(plan(false), null, Expect.requestsLost()));
        assertEquals(List.of(), r.problems(), "requests were lost: the control passes");
        assertTrue(r.observation().attempts().stream().anyMatch(a -> a.status() != null && a.status() == 503));
        assertEquals(List.of("set env deployment/echo --list -n netpaths --timeout 60",
                "set env deployment/echo QUARKUS_SHUTDOWN_DELAY=0s -n netpaths --timeout 60",
                "rollout restart deployment/echo -n netpaths --timeout 60",
                "set env deployment/echo QUARKUS_SHUTDOWN_DELAY- -n netpaths --timeout 60"), commands);
        assertEquals(null, drain, "the drain is restored");
        assertTrue(r.note().startsWith("requests/lost per path: nodeport "), r.note());
    }

    @Test
    void aControlThatLosesNothingFails() {
        DisruptionRunner runner = new DisruptionRunner(Rollout.labCli(Path.of("lab.sh"), Duration.ofSeconds(60),
                (command, timeout) -> {
                    commands.add(String.join(" ", command));
                    return new Rollout.Result(0, ""); // a CLI that ignores the drain: nothing is lost
                }), null, Duration.ofMillis(20), Duration.ofMillis(200));
        PathRunner.Result r = judge(runner, row(plan(false), null, Expect.requestsLost()));
        assertTrue(r.problems().get(0).startsWith("no request lost without the drain"), r.problems().toString());
    }

    @Test
    void aRolloutThatFailsFailsEveryRowWithWhatTheCliSaid() {
        DisruptionRunner runner = new DisruptionRunner(Rollout.labCli(Path.of("lab.sh"), Duration.ofSeconds(60),
                (command, timeout) -> command.contains("restart") ? new Rollout.Result(1,
                        "netpaths-lab: deployments.apps \"echo\" not found in namespace netpaths")
                        : new Rollout.Result(0, "")), null, Duration.ofMillis(20), Duration.ofMillis(100));
        PathRunner.Result r = judge(runner, row(plan(true), "nodeport", Expect.noRequestLost()));
        assertTrue(r.problems().get(0).startsWith("the rollout did not complete: could not restart deployment/echo "
                + "with the lab's CLI lab.sh (lab.sh rollout restart deployment/echo -n netpaths --timeout 60: exit 1): "
                + "netpaths-lab: deployments.apps \"echo\" not found"), r.problems().toString());
    }

    @Test
    void withoutAWayToRollEveryRowFailsSayingSo() {
        PathRunner.Result r = judge(new DisruptionRunner(null, null), row(plan(true), "nodeport", Expect.noRequestLost()));
        assertTrue(r.problems().get(0).contains("without --lab-cli"), r.problems().toString());
    }
}

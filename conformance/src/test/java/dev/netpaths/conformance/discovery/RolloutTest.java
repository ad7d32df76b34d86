package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout seam speaks kubectl's words to kubectl and to the lab's CLI, and says what went wrong. */
class RolloutTest {

    private final List<String> seen = new ArrayList<>();

    private Rollout.Result record(List<String> command, Duration timeout) {
        seen.add(String.join(" ", command));
        return new Rollout.Result(0, command.contains("--list")
                ? "# Deployment echo, container echo\nQUARKUS_SHUTDOWN_DELAY=0s\nOTHER=x=y\n" : "");
    }

    @Test
    void kubectlChangesThenWaitsForTheRolloutStatus() {
        Rollout k = Rollout.kubectl("kind-netpaths", Duration.ofSeconds(600), this::record);
        assertEquals(Optional.of("0s"), k.env("netpaths", "echo", "QUARKUS_SHUTDOWN_DELAY"));
        assertEquals(Optional.of("x=y"), k.env("netpaths", "echo", "OTHER"));
        assertEquals(Optional.empty(), k.env("netpaths", "echo", "QUARKUS"));
        k.setEnv("netpaths", "echo", "QUARKUS_SHUTDOWN_DELAY", null);
        k.restart("netpaths", "echo");
        String k8s = "kubectl --context kind-netpaths ";
        String ns = " -n netpaths";
        assertEquals(List.of(k8s + "set env deployment/echo --list" + ns, k8s + "set env deployment/echo --list" + ns,
                k8s + "set env deployment/echo --list" + ns, k8s + "set env deployment/echo QUARKUS_SHUTDOWN_DELAY-" + ns,
                k8s + "rollout status deployment/echo --timeout=600s" + ns, k8s + "rollout restart deployment/echo" + ns,
                k8s + "rollout status deployment/echo --timeout=600s" + ns), seen);
        assertEquals("kubectl --context kind-netpaths", k.description());
        assertEquals("kubectl", Rollout.kubectl(null, Duration.ofSeconds(1), this::record).description());
    }

    @Test
    void theLabsVerbsWaitThemselvesBoundedByTheirTimeout() {
        Rollout lab = Rollout.labCli(Path.of("/r/scripts/lab/lab.sh"), Duration.ofSeconds(600), this::record);
        lab.setEnv("netpaths", "echo", "QUARKUS_SHUTDOWN_DELAY", "0s");
        lab.restart("netpaths", "echo");
        assertEquals(List.of("/r/scripts/lab/lab.sh set env deployment/echo QUARKUS_SHUTDOWN_DELAY=0s -n netpaths --timeout 600",
                "/r/scripts/lab/lab.sh rollout restart deployment/echo -n netpaths --timeout 600"), seen);
    }

    @Test
    void aFailedOrEndlessCommandIsAnErrorNamingItAndItsLastWords() {
        Rollout failing = Rollout.kubectl(null, Duration.ofSeconds(5), (c, t) -> new Rollout.Result(1,
                "line 1\nline 2\nline 3\nError from server (NotFound): deployments.apps \"echo\" not found\n"));
        Rollout.RolloutException e = assertThrows(Rollout.RolloutException.class,
                () -> failing.restart("netpaths", "echo"));
        assertEquals("could not restart deployment/echo with kubectl (kubectl rollout restart deployment/echo "
                + "-n netpaths: exit 1): line 2 / line 3 / Error from server (NotFound): deployments.apps \"echo\" "
                + "not found", e.getMessage());
        Rollout endless = Rollout.kubectl(null, Duration.ofSeconds(5), (c, t) -> new Rollout.Result(-1, ""));
        assertTrue(assertThrows(Rollout.RolloutException.class, () -> endless.restart("netpaths", "echo"))
                .getMessage().endsWith(": no end within 65 s)"));
    }

    @Test
    void theDefaultRunnerRunsAProcessAndBoundsIt() {
        assertEquals(new Rollout.Result(3, "out\nerr\n"),
                Rollout.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(20)));
        assertEquals(-1, Rollout.exec(List.of("sleep", "30"), Duration.ofMillis(300)).exit());
        assertEquals(127, Rollout.exec(List.of("/no/such/cli"), Duration.ofSeconds(5)).exit());
    }
}

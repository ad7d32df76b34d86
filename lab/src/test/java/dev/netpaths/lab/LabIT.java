package dev.netpaths.lab;

import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.pod.PodRunner;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.state.Entry;
import dev.netpaths.lab.state.Journal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real 3-node Flannel lab from the real manifests: up, a NodePort answered from the host namespace, down, nothing
 * left. Needs root and about a minute: runs only with {@code mvn -pl lab test -Plab-it}.
 */
class LabIT {
    private static final String PREFIX = "npit";
    private static final Path STATE = Path.of("/run/netpaths-lab-" + PREFIX);

    @BeforeAll
    static void onlyOnDemandAndAsRoot() {
        assumeTrue(Boolean.getBoolean("lab.it"), "LabIT runs on demand only: mvn -pl lab test -Plab-it");
        assumeTrue(Sh.tryRun(Duration.ofSeconds(5), "id", "-u").out().strip().equals("0"),
                "LabIT needs root (network namespaces, iptables): run it with sudo");
    }

    @AfterAll
    static void leaveNothing() {
        if (Boolean.getBoolean("lab.it") && Files.exists(STATE)) {
            new Lab(System.out).down(STATE, PREFIX);
        }
    }

    @Test
    void flannelLabServesANodePortFromTheHostAndLeavesNothingBehind() {
        Path repo = Path.of(System.getProperty("lab.repo", "..")).toAbsolutePath().normalize();
        LabConfig cfg = new LabConfig(CniKind.FLANNEL, 3, 1, PREFIX, STATE, repo, List.of());

        Lab.UpFigures figures = new Lab(System.out).up(cfg);
        System.out.printf("LabIT: all pods ready after %.1f s%n", figures.readySeconds());

        String worker = AddressPlan.plan(PREFIX, CniKind.FLANNEL, 3, 1).get(0).nodes().get(1).ip();
        Sh.Result echo = Sh.tryRun(Duration.ofSeconds(10), Sh.inNs(AddressPlan.hostNs(PREFIX),
                "curl", "-s", "--max-time", "3", "http://" + worker + ":30080/echo"));
        assertTrue(echo.out().contains("\"service\":\"echo-service\""), "NodePort 30080 answers with echo JSON: " + echo.out() + echo.err());
        assertEquals(200, PodRunner.httpStatus(AddressPlan.hostNs(PREFIX), "http://" + worker + ":30080/echo"));

        List<Entry.Proc> procs = new Journal(STATE).read().stream().filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList();
        assertFalse(procs.isEmpty());

        double down = new Lab(System.out).down(STATE, PREFIX);
        System.out.printf("LabIT: down in %.1f s%n", down);

        assertEquals(List.of(), Lab.namespacesOf(PREFIX), "no " + PREFIX + "-* namespace left");
        assertEquals(List.of(), procs.stream().filter(p -> Procs.alive(p.pid(), p.startTime())).map(Entry.Proc::what).toList(),
                "no recorded process alive");
        assertFalse(Files.exists(STATE), "state dir removed");
    }
}

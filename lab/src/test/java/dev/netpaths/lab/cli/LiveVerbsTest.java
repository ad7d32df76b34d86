package dev.netpaths.lab.cli;

import dev.netpaths.lab.live.Disruption.PathResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The disruption check `make test` relies on (lab run --disruption): it fails on one lost request. */
class LiveVerbsTest {
    private static List<PathResult> paths(long clusterIpOk) {
        return List.of(new PathResult("clusterip", 500, clusterIpOk, clusterIpOk == 500 ? "" : "caller-REFUSED=1"),
                new PathResult("gateway", 500, 500, ""), new PathResult("ingress", 500, 500, ""),
                new PathResult("loadbalancer", 500, 500, ""), new PathResult("nodeport", 500, 500, ""));
    }

    @Test
    void passesOnlyWhenEveryPathCarriedRequestsAndNoneFailed() {
        assertEquals(0, LiveVerbs.verdict(paths(500), false));
        assertEquals(LabCli.FAILED, LiveVerbs.verdict(paths(499), false), "one lost request fails the case");
        assertEquals(LabCli.FAILED, LiveVerbs.verdict(paths(500).subList(0, 4), false), "a path missing fails it");
        List<PathResult> idle = new java.util.ArrayList<>(paths(500));
        idle.set(1, new PathResult("gateway", 0, 0, ""));
        assertEquals(LabCli.FAILED, LiveVerbs.verdict(idle, false), "a path that carried nothing fails it");
        assertEquals(0, LiveVerbs.verdict(paths(499), true), "--no-drain: the failures are the lesson");
    }
}

package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.Served;
import dev.netpaths.conformance.support.Fixture;
import dev.netpaths.wire.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The disruption group against the lab fixture: its paths, its shared plan, and how its counts are judged. */
class DisruptionCaseTest {

    private static PathCase named(String name) {
        return Catalogue.CASES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theReferenceCaseLoadsFivePathsWithOnePlanAndARowEach() {
        List<PathInstance> rows = named("rollingRestartLosesNoRequest").expand(Fixture.environment(Fixture.topology()));
        assertEquals(List.of("clusterip", "nodeport", "loadbalancer", "ingress", "gateway"),
                rows.stream().map(PathInstance::label).toList());
        DisruptionPlan plan = ((Request.Disruption) rows.get(0).request()).plan();
        for (PathInstance row : rows) {
            assertNull(row.skip(), row.displayName());
            assertSame(plan, ((Request.Disruption) row.request()).plan(), "one load for every row");
            assertEquals(Expect.Outcome.NO_REQUEST_LOST, row.expect().outcome());
        }
        assertTrue(plan.drain());
        assertEquals("echo", plan.deployment());
        Request.CallerHttp clusterIp = (Request.CallerHttp) plan.paths().get(0).request();
        assertEquals("http://echo:8080/echo", clusterIp.call().url());
        assertEquals(1, clusterIp.call().tries(), "each request of the load is one try");
        plan.paths().stream().skip(1).forEach(p -> assertEquals(1, ((Request.HostHttp) p.request()).tries()));
        assertEquals("ingress.netpaths.test", ((Request.HostHttp) plan.paths().get(3).request()).hostHeader());
    }

    @Test
    void aPathThisHostCannotRouteToIsSkippedAndNotLoaded() {
        Environment env = Fixture.environment(Fixture.topology());
        String lb = env.cluster().service("netpaths", "echo-lb").orElseThrow().loadBalancerIps().get(0);
        Environment noLb = new Environment(env.cluster(), Optional.empty(),
                (ip, port) -> ip.equals(lb) ? Optional.of("not routable (test)") : Optional.empty(), env.settings());
        List<PathInstance> rows = named("rollingRestartLosesNoRequest").expand(noLb);
        assertEquals("not routable (test)", rows.get(2).skip());
        DisruptionPlan plan = ((Request.Disruption) rows.get(0).request()).plan();
        assertEquals(List.of("clusterip", "nodeport", "ingress", "gateway"),
                plan.paths().stream().map(DisruptionPlan.LoadPath::name).toList());
    }

    @Test
    void theControlIsOneRowOverEveryPathWithoutTheDrain() {
        List<PathInstance> rows = named("rollingRestartWithoutDrainLosesRequests")
                .expand(Fixture.environment(Fixture.topology()));
        assertEquals(1, rows.size());
        Request.Disruption d = (Request.Disruption) rows.get(0).request();
        assertNull(d.path());
        assertEquals(false, d.plan().drain());
        assertEquals(5, d.plan().paths().size());
        assertEquals(Expect.Outcome.REQUESTS_LOST, rows.get(0).expect().outcome());
    }

    @Test
    void oneLostRequestFailsTheReferenceCaseAndNoneFailsTheControl() {
        List<Attempt> clean = served(300);
        List<Attempt> oneLost = new ArrayList<>(clean);
        oneLost.set(150, Attempt.failed(ErrorKind.REFUSED, "refused", 1, null));
        assertEquals(List.of(), Evaluator.problems(Expect.noRequestLost(), Observation.of(clean)));
        assertEquals(List.of("1 of 300 requests lost while echo rolled (REFUSED=1)"),
                Evaluator.problems(Expect.noRequestLost(), Observation.of(oneLost)));
        List<Attempt> proxy502 = new ArrayList<>(clean);
        proxy502.set(3, new Attempt(false, 502, 1, null, null, null, null, ErrorKind.HTTP_STATUS, "HTTP 502", "bad"));
        assertEquals(List.of("1 of 300 requests lost while echo rolled (HTTP_502=1)"),
                Evaluator.problems(Expect.noRequestLost(), Observation.of(proxy502)));
        List<Attempt> notEcho = new ArrayList<>(clean);
        notEcho.set(7, new Attempt(true, 200, 1, null, null, null, null, null, null, "<html>"));
        assertEquals(1, Evaluator.problems(Expect.noRequestLost(), Observation.of(notEcho)).size(),
                "an answer that is not echo's is not a served request");
        assertEquals(List.of("no request was counted on this path: the load never ran on it"),
                Evaluator.problems(Expect.noRequestLost(), Observation.of(List.of())));

        assertEquals(List.of(), Evaluator.problems(Expect.requestsLost(), Observation.of(oneLost)));
        assertTrue(Evaluator.problems(Expect.requestsLost(), Observation.of(clean)).get(0)
                .startsWith("no request lost without the drain (300 requests"));
        assertEquals(1, Evaluator.problems(Expect.requestsLost(), Observation.of(List.of())).size());
    }

    private static List<Attempt> served(int n) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            attempts.add(new Attempt(true, 200, 1, new Served("echo-service", "v1", "echo-" + (i % 3), "netpaths",
                    "node-a", "10.244.1." + (i % 3), "test"), null, null, null, null, null, null));
        }
        return attempts;
    }
}

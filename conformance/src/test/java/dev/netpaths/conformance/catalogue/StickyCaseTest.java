package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.support.Fixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ClientIP session affinity (k8s/base/netpaths/service-echo-sticky.yaml): the sticky case expects every try on one
 * pod where the ClusterIP case expects spreading, over the same answers; without the setting it is broken, not
 * silently judged.
 */
class StickyCaseTest {

    private static final String CASE = "clientIpAffinityKeepsEachCallerOnOneEndpoint";

    /** {@code n} answers from one caller, alternating over {@code pods}. */
    static Observation answers(int n, String... pods) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            attempts.add(EvaluatorTest.served(pods[i % pods.length], "v1", "10.244.0.5", "10.244.0.5"));
        }
        return Observation.of(attempts);
    }

    @Test
    void theStickyServiceIsCalledByNameOverItsClusterIpWithEveryPositiveTry() {
        Environment env = Fixture.environment(Fixture.topology());
        PathInstance p = CatalogueTest.expand(CASE, env).get(0);
        assertNull(p.skip());
        assertNull(p.fail());
        Request.CallerHttp call = (Request.CallerHttp) p.request();
        assertEquals("http://echo-sticky:8080/echo", call.call().url());
        assertEquals(Environment.Settings.DEFAULT.tries(), call.call().tries());
        assertEquals(Expect.Outcome.STICKY, p.expect().outcome());
        assertEquals(List.of("10.96.100.16"), p.expect().addresses());
    }

    @Test
    void oneCallerOnOnePodPassesAndTheSameCallerSpreadOverTwoPodsFails() {
        Expect sticky = CatalogueTest.expand(CASE, Fixture.environment(Fixture.topology())).get(0).expect()
                .addresses(List.of());
        Expect spread = CatalogueTest.expand("clusterIpSpreadsOverEndpointsAndKeepsClientIp",
                Fixture.environment(Fixture.topology())).get(0).expect().addresses(List.of());
        Observation onePod = answers(30, "echo-7d9c6-p9k2m");
        Observation twoPods = answers(30, "echo-7d9c6-p9k2m", "echo-7d9c6-x2b4q");
        assertEquals(List.of(), Evaluator.problems(sticky, onePod));
        List<String> spreadProblems = Evaluator.problems(sticky, twoPods);
        assertEquals(1, spreadProblems.size(), spreadProblems.toString());
        assertTrue(spreadProblems.get(0).startsWith("served by 2 pods"), spreadProblems.get(0));
        // the ClusterIP case judges the same answers the other way round
        assertEquals(List.of(), Evaluator.problems(spread, twoPods));
        assertTrue(Evaluator.problems(spread, onePod).get(0).startsWith("1 distinct backend(s)"));
    }

    @Test
    void withoutClientIpAffinityTheCaseIsBrokenAndSaysWhy() {
        Topology t = Fixture.topology();
        Topology plain = Fixture.withServices(t, t.services().stream().map(s -> !s.name().equals("echo-sticky") ? s
                : new Topology.Service(s.namespace(), s.name(), s.type(), s.clusterIp(), s.ports(), s.loadBalancerIps(),
                        s.externalTrafficPolicy(), s.externalName(), s.selector())).toList());
        PathInstance p = CatalogueTest.expand(CASE, Fixture.environment(plain)).get(0);
        assertTrue(p.fail().startsWith("Service netpaths/echo-sticky has spec.sessionAffinity None, the case is named "
                + "for ClientIP"), p.fail());
    }

    @Test
    void withoutTheServiceTheCaseSkipsWithTheReason() {
        Topology t = Fixture.topology();
        Topology none = Fixture.withServices(t, t.services().stream().filter(s -> !s.name().equals("echo-sticky")).toList());
        assertEquals("Service netpaths/echo-sticky absent", CatalogueTest.expand(CASE, Fixture.environment(none)).get(0).skip());
    }
}

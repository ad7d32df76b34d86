package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.support.Fixture;
import dev.netpaths.wire.ErrorKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Envoy Gateway policy cases: their credential and their limit come from the objects discovery read (the
 * SecurityPolicy's Secret and header, the BackendTrafficPolicy's requests), and each can say "failed".
 */
class GatewayPolicyCasesTest {

    private static Request.HostHttp request(String name, Topology t) {
        PathInstance p = CatalogueTest.expand(name, Fixture.environment(t)).get(0);
        assertTrue(p.fail() == null && p.skip() == null, name + ": " + p.fail() + p.skip());
        return (Request.HostHttp) p.request();
    }

    @Test
    void theKeyAndTheLimitAreReadFromThePolicies() {
        Topology t = Fixture.topology();
        assertEquals(List.of("netpaths-demo-key-1"), t.gatewayApi().apiKeyPolicies().get(0).keys(), "decoded from the Secret");
        assertEquals(List.of("/keyed"), t.gatewayApi().apiKeyPolicies().get(0).paths(), "the rule its sectionName names");
        assertEquals(Map.of("x-api-key", "netpaths-demo-key-1"), request("gatewayAnswersKeyedPathWithApiKey", t).headers());
        assertEquals(Map.of(), request("gatewayRefusesKeyedPathWithoutApiKey", t).headers());
        assertEquals(21, request("gatewayRateLimitsLimitedPath", t).tries(), "2 x 10 a minute + 1");
    }

    @Test
    void withoutThePoliciesTheCasesFailWithTheReason() {
        Topology t = Fixture.topology();
        Topology.GatewayApi api = t.gatewayApi();
        Topology without = Fixture.withGatewayApi(t, new Topology.GatewayApi(api.installed(), api.gateways(),
                api.referenceGrantPresent(), api.classes(), api.routes(), List.of(), List.of()));
        Environment env = Fixture.environment(without);
        assertTrue(CatalogueTest.expand("gatewayAnswersKeyedPathWithApiKey", env).get(0).fail()
                .startsWith("no SecurityPolicy with apiKeyAuth covers /keyed of HTTPRoute netpaths/echo"));
        assertTrue(CatalogueTest.expand("gatewayRateLimitsLimitedPath", env).get(0).fail()
                .startsWith("no BackendTrafficPolicy with a local rate limit covers /limited"));
    }

    private static Attempt echo() {
        return EvaluatorTest.served("echo-1", "v1", "172.18.0.1", "10.244.0.1");
    }

    private static Attempt status(int code) {
        return new Attempt(false, code, 1.0, null, "172.18.0.1", null, null, ErrorKind.HTTP_STATUS, "HTTP " + code, "");
    }

    @Test
    void aRateLimitPassesOnlyWithA429FromTheGateway() {
        List<Attempt> limited = new ArrayList<>(Collections.nCopies(10, echo()));
        limited.addAll(Collections.nCopies(11, status(429)));
        assertEquals(List.of(), Evaluator.problems(Expect.rateLimited(), Observation.of(limited)));
        assertEquals(List.of(), Evaluator.problems(Expect.rateLimited(), Observation.of(Collections.nCopies(21, status(429)))),
                "a bucket already empty from an earlier run");
        assertEquals(List.of("no 429 in 21 tries: every one was let through (is the rate limit policy applied to this route?)"),
                Evaluator.problems(Expect.rateLimited(), Observation.of(Collections.nCopies(21, echo()))));
        List<Attempt> broken = new ArrayList<>(limited);
        broken.set(0, status(503));
        assertEquals(List.of("got status 503 not from echo, expected echo's answer or 429"),
                Evaluator.problems(Expect.rateLimited(), Observation.of(broken)));
    }

    @Test
    void theKeyedPathWithoutAKeyFailsWhenEchoAnswers() {
        assertEquals(List.of(), Evaluator.problems(Expect.statusNotFromEcho(401), Observation.of(List.of(status(401)))));
        assertTrue(Evaluator.problems(Expect.statusNotFromEcho(401), Observation.of(List.of(echo()))).get(0)
                .startsWith("answered by echo pod"));
    }
}

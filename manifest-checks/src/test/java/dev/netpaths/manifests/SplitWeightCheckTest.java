package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** The /split weights are 80/20 in Gateway API and Istio. */
class SplitWeightCheckTest {

    private final SplitWeightCheck check = new SplitWeightCheck();

    @Test
    void changedHttpRouteWeightsFail() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "HTTPRoute netpaths/echo", r -> {
            at(r, "/spec/rules/3/backendRefs/0").put("weight", 70);
            at(r, "/spec/rules/3/backendRefs/1").put("weight", 30);
        });
        assertOnlyFinding(check.check(manifests), "HTTPRoute netpaths/echo: spec.rules[3]:",
                "the /split split is {netpaths/echo=70, netpaths/echo-v2=30} but docs/architecture.md says {netpaths/echo=80, netpaths/echo-v2=20}");
    }

    @Test
    void changedVirtualServiceWeightsFail() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/2/route/1").put("weight", 25));
        assertOnlyFinding(check.check(manifests), "VirtualService netpaths/echo: spec.http[2]:",
                "the /split split is {netpaths/echo=80, netpaths/echo-v2=25}");
    }

    @Test
    void aMissingSplitRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> array(vs, "/spec/http").remove(2));
        assertOnlyFinding(check.check(manifests), "VirtualService netpaths/echo: spec.http: no rule for /split");
    }
}

package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;
import static dev.netpaths.manifests.Fixtures.without;

/** /other needs its ReferenceGrant; /other-denied must have none. */
class ReferenceGrantCheckTest {

    private final ReferenceGrantCheck check = ReferenceGrantCheck.netpaths();

    @Test
    void aCrossNamespaceBackendWithoutReferenceGrantFails() {
        List<Manifest> manifests = without(Fixtures.cluster(), "ReferenceGrant netpaths-other/echo-from-netpaths");
        assertOnlyFinding(check.check(manifests), "gateway-config/gateway-api/httproute-echo.yaml: HTTPRoute netpaths/echo:",
                "spec.rules[4].backendRefs[0]: cross-namespace backend Service netpaths-other/echo has no ReferenceGrant"
                        + " in namespace netpaths-other allowing HTTPRoute from namespace netpaths");
    }

    @Test
    void aReferenceGrantFromAnotherNamespaceDoesNotCount() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "ReferenceGrant netpaths-other/echo-from-netpaths",
                g -> at(g, "/spec/from/0").put("namespace", "default"));
        assertOnlyFinding(check.check(manifests), "Service netpaths-other/echo has no ReferenceGrant");
    }

    @Test
    void aReferenceGrantCoveringTheDeniedBackendFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "ReferenceGrant netpaths-other/echo-from-netpaths",
                g -> at(g, "/spec/to/0").remove("name"));
        assertOnlyFinding(check.check(manifests), "HTTPRoute netpaths/echo: spec.rules[5].backendRefs[0]:",
                "Service netpaths-other/echo-restricted must NOT be covered by a ReferenceGrant",
                "ReferenceGrant netpaths-other/echo-from-netpaths allows it");
    }

    @Test
    void aRouteTableWithoutTheDeniedBackendFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "HTTPRoute netpaths/echo",
                r -> array(r, "/spec/rules").remove(5));
        assertOnlyFinding(check.check(manifests), "no route references netpaths-other/echo-restricted");
    }
}

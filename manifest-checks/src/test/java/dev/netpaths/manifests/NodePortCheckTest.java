package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** nodePorts are unique and in range. */
class NodePortCheckTest {

    private final NodePortCheck check = new NodePortCheck();

    @Test
    void aDuplicateNodePortFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-nodeport",
                svc -> at(svc, "/spec/ports/1").put("nodePort", 30090));
        assertOnlyFinding(check.check(manifests), "Service netpaths/echo-nodeport: spec.ports[1].nodePort:",
                "30090 is already used by k8s/base/netpaths/service-echo-local.yaml via k8s/overlays/kind: Service netpaths/echo-local");
    }

    @Test
    void aNodePortOutsideTheRangeFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-local",
                svc -> at(svc, "/spec/ports/0").put("nodePort", 8080));
        assertOnlyFinding(check.check(manifests), "Service netpaths/echo-local: spec.ports[0].nodePort:",
                "8080 is outside the NodePort range 30000-32767");
    }
}

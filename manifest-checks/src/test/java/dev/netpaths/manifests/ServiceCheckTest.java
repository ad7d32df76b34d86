package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** A Service that selects nothing, or a port its pods do not have, fails. */
class ServiceCheckTest {

    private final ServiceCheck check = new ServiceCheck();

    @Test
    void aSelectorMatchingNoPodTemplateFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-headless",
                svc -> at(svc, "/spec/selector").put("version", "v9"));
        assertOnlyFinding(check.check(manifests), "k8s/base/netpaths/service-echo-headless.yaml via k8s/overlays/kind",
                "Service netpaths/echo-headless: spec.selector: selector {app.kubernetes.io/name=echo-service, version=v9}"
                        + " matches no pod template in namespace netpaths");
    }

    @Test
    void aSelectorOnlyMatchingPodsInAnotherNamespaceFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths-other/echo-restricted",
                svc -> at(svc, "/spec/selector").put("app.kubernetes.io/name", "sidecar-demo"));
        assertOnlyFinding(check.check(manifests), "Service netpaths-other/echo-restricted: spec.selector:",
                "matches no pod template in namespace netpaths-other");
    }

    @Test
    void aNamedTargetPortThePodsDoNotHaveFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-nodeport",
                svc -> at(svc, "/spec/ports/0").put("targetPort", "htp"));
        assertOnlyFinding(check.check(manifests), "Service netpaths/echo-nodeport: spec.ports[0] (http) targetPort:",
                "'htp' (TCP) is not a container port of Deployment netpaths/echo (its ports: http 8080/TCP, udp 5005/UDP)");
    }

    @Test
    void aNumericTargetPortThePodsDoNotHaveFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/sidecar-demo",
                svc -> at(svc, "/spec/ports/0").put("targetPort", 9090));
        assertOnlyFinding(check.check(manifests), "Service netpaths/sidecar-demo: spec.ports[0] (http) targetPort:",
                "'9090' (TCP) is not a container port of Deployment netpaths/sidecar-demo");
    }

    @Test
    void aTargetPortWithTheWrongProtocolFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-nodeport",
                svc -> at(svc, "/spec/ports/1").put("targetPort", "http"));
        assertOnlyFinding(check.check(manifests), "Service netpaths/echo-nodeport: spec.ports[1] (udp) targetPort:",
                "'http' (UDP) is not a container port of Deployment netpaths/echo");
    }
}

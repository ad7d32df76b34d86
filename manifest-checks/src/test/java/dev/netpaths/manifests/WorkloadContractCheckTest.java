package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** Identity env, probes, images, resources and labels as docs/architecture.md asks. */
class WorkloadContractCheckTest {

    private final WorkloadContractCheck check = new WorkloadContractCheck();

    @Test
    void anIdentityVariableFromTheWrongFieldFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "DaemonSet netpaths/caller", d -> {
            for (var env : array(d, "/spec/template/spec/containers/0/env")) {
                if (env.path("name").asText().equals("HOST_IP")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) env.path("valueFrom").path("fieldRef")).put("fieldPath", "status.podIP");
                }
            }
        });
        assertOnlyFinding(check.check(manifests), "DaemonSet netpaths/caller: spec.template.spec.containers[app].env[HOST_IP]:",
                "must come from the Downward API fieldRef status.hostIP (is status.podIP)");
    }

    @Test
    void aProbeOnAPortNumberFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo",
                d -> at(d, "/spec/template/spec/containers/0/readinessProbe/httpGet").put("port", 8080));
        assertOnlyFinding(check.check(manifests), "containers[app].readinessProbe.httpGet.port: must be the named port http, is 8080");
    }

    @Test
    void aLatestImageFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/sidecar-demo",
                d -> at(d, "/spec/template/spec/initContainers/0").put("image", "netpaths/sidecar-demo:latest"));
        assertOnlyFinding(check.check(manifests), "initContainers[sidecar].image: 'netpaths/sidecar-demo:latest' is not netpaths/<service>:0.1.0");
    }

    @Test
    void aContainerWithoutLimitsFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/echo-restricted",
                d -> at(d, "/spec/template/spec/containers/0/resources/limits").remove("memory"));
        assertOnlyFinding(check.check(manifests), "Deployment netpaths-other/echo-restricted: spec.template.spec.containers[app].resources.limits.memory: must be set");
    }

    @Test
    void aPodTemplateWithoutVersionLabelFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo",
                d -> at(d, "/spec/template/metadata/labels").remove("version"));
        assertOnlyFinding(check.check(manifests), "Deployment netpaths/echo: spec.template.metadata.labels: label version missing");
    }
}

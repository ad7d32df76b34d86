package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertFinding;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;
import static dev.netpaths.manifests.Fixtures.without;

/** The objects and routes of docs/architecture.md, and what happens when one is changed. */
class ArchitectureCheckTest {

    private final Check cluster = ArchitectureCheck.cluster();
    private final Check entryPoints = ArchitectureCheck.entryPoints();

    @Test
    void wrongReplicasFail() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo", d -> at(d, "/spec").put("replicas", 3));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths/echo: spec.replicas: is 3, docs/architecture.md says 2");
    }

    @Test
    void aLocalPolicyNodePortWithClusterPolicyFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-local",
                svc -> at(svc, "/spec").put("externalTrafficPolicy", "Cluster"));
        assertOnlyFinding(cluster.check(manifests), "Service netpaths/echo-local: spec:",
                "is 'NodePort(Cluster) v1 http 8080/TCP→http:30090', docs/architecture.md says 'NodePort(Local) v1 http 8080/TCP→http:30090'");
    }

    @Test
    void theStickyServiceWithoutClientIpAffinityFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-sticky",
                svc -> at(svc, "/spec").remove("sessionAffinity"));
        assertOnlyFinding(cluster.check(manifests), "Service netpaths/echo-sticky: spec:",
                "is 'ClusterIP v1 http 8080/TCP→http', docs/architecture.md says 'ClusterIP(ClientIP) v1 http 8080/TCP→http'");
    }

    @Test
    void aCallerThatAvoidsTheControlPlaneFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "DaemonSet netpaths/caller",
                d -> at(d, "/spec/template/spec").remove("tolerations"));
        assertOnlyFinding(cluster.check(manifests), "DaemonSet netpaths/caller: spec.template.spec.tolerations: must tolerate node-role.kubernetes.io/control-plane");
    }

    @Test
    void aSidecarThatIsAPlainInitContainerFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/sidecar-demo",
                d -> at(d, "/spec/template/spec/initContainers/0").remove("restartPolicy"));
        assertOnlyFinding(cluster.check(manifests), "spec.template.spec.initContainers[sidecar]: a native sidecar");
    }

    @Test
    void echoNotSpreadOverNodesFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/echo",
                d -> at(d, "/spec/template/spec").remove("topologySpreadConstraints"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/echo: spec.template.spec.topologySpreadConstraints: must spread");
    }

    @Test
    void aMissingNetworkPolicyFails() {
        List<Manifest> manifests = without(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/deny-all");
        assertOnlyFinding(cluster.check(manifests), "NetworkPolicy netpaths-other/deny-all is missing");
    }

    @Test
    void aMissingRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "HTTPRoute netpaths/echo",
                r -> array(r, "/spec/rules").remove(2));
        assertOnlyFinding(entryPoints.check(manifests), "HTTPRoute netpaths/echo: routes: missing route",
                "header x-netpaths-version=v2 → netpaths/echo-v2:8080");
    }

    @Test
    void anUndocumentedRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/3/match/1/uri").put("prefix", "/other"));
        List<String> findings = entryPoints.check(manifests);
        assertFinding(findings, "VirtualService netpaths/echo: routes: route 'istio.netpaths.test uri exact /other | uri prefix /other → netpaths-other/echo:8080' is not in docs/architecture.md");
        assertFinding(findings, "missing route 'istio.netpaths.test uri exact /other | uri prefix /other/");
    }

    @Test
    void anIngressRouteToTheWrongBackendFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "Ingress netpaths/echo",
                ing -> at(ing, "/spec/rules/0/http/paths/1/backend/service").put("name", "echo"));
        assertFinding(entryPoints.check(manifests), "Ingress netpaths/echo: routes: missing route 'nginx ingress.netpaths.test Prefix /v2 → netpaths/echo-v2:http'");
    }

    @Test
    void theTrustedProberWithoutItsLabelFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/caller-trusted",
                d -> at(d, "/spec/template/metadata/labels").remove("netpaths.dev/trusted"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/caller-trusted: spec.template.metadata.labels: "
                + "must carry netpaths.dev/trusted");
    }

    @Test
    void anotherWorkloadWithTheTrustedLabelFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/echo",
                d -> at(d, "/spec/template/metadata/labels").put("netpaths.dev/trusted", "true"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/echo: spec.template.metadata.labels: "
                + "carries netpaths.dev/trusted: only Deployment netpaths-other/caller-trusted may");
    }

    @Test
    void aTrustedProberThatIsNotTheCallerFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/caller-trusted",
                d -> at(d, "/spec/template/spec/containers/0").put("image", "netpaths/echo-service:0.1.0"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/caller-trusted: spec.template.spec.containers: "
                + "differs from DaemonSet netpaths/caller's");
    }
}

package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertFinding;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;
import static dev.netpaths.manifests.Fixtures.without;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md's tables against the rendered kind overlay and gateway-config/: what happens when an object is
 * changed, and when a row of the document is.
 */
class ArchitectureCheckTest {

    private static final String DOC = RepoFiles.read(ArchitectureCheck.DOC);
    private final Check cluster = Fixtures.architectureCluster(DOC);
    private final Check entryPoints = Fixtures.architectureRoutes(DOC);

    /** docs/architecture.md with one exact piece of text replaced; fails when the text is not there (the test went stale). */
    private static String docWith(String from, String to) {
        assertTrue(DOC.contains(from), "docs/architecture.md no longer has: " + from);
        return DOC.replace(from, to);
    }

    @Test
    void aWorkloadRowWithOtherReplicasFails() {
        Check check = Fixtures.architectureCluster(docWith("| netpaths | Deployment `echo-v2` | v2 | 1, spread", "| netpaths | Deployment `echo-v2` | v2 | 2, spread"));
        assertOnlyFinding(check.check(Fixtures.overlay("kind")),
                "Deployment netpaths/echo-v2: spec.replicas, topologySpreadConstraints: is '1, spread over nodes', "
                + "docs/architecture.md says '2, spread over nodes'");
    }

    @Test
    void aServiceRowWithAnotherNodePortFails() {
        Check check = Fixtures.architectureCluster(docWith("`udp` 5005/UDP node port 30081", "`udp` 5005/UDP node port 30082"));
        assertOnlyFinding(check.check(Fixtures.overlay("kind")), "Service netpaths/echo-nodeport: spec.ports: is '`http` 8080/TCP node port 30080, "
                + "`udp` 5005/UDP node port 30081', docs/architecture.md says '`http` 8080/TCP node port 30080, `udp` 5005/UDP node port 30082'");
    }

    @Test
    void aRowNamingAnObjectThatIsNotRenderedFailsAndTheRenderedObjectIsReportedUnlisted() {
        Check check = Fixtures.architectureCluster(docWith("| netpaths | `echo-sticky` |", "| netpaths | `echo-stiky` |"));
        List<String> findings = check.check(Fixtures.overlay("kind"));
        assertFinding(findings, "docs/architecture.md: Service netpaths/echo-stiky is missing from the rendered manifests");
        assertFinding(findings, "Service netpaths/echo-sticky: not in docs/architecture.md's tables");
    }

    @Test
    void aRenderedPolicyWithoutARowFails() {
        String doc = DOC.replaceAll("(?m)^\\| netpaths \\| `caller-egress` .*\\n", "");
        assertTrue(!doc.equals(DOC), "docs/architecture.md has no caller-egress row");
        assertOnlyFinding(Fixtures.architectureCluster(doc).check(Fixtures.overlay("kind")),
                "NetworkPolicy netpaths/caller-egress: not in docs/architecture.md's tables");
    }

    @Test
    void anUnreadableRowIsAFindingWithTheRow() {
        Check check = Fixtures.architectureCluster(docWith("| netpaths | DaemonSet `caller` |", "| netpaths | the caller DaemonSet |"));
        List<String> findings = check.check(Fixtures.overlay("kind"));
        assertFinding(findings, "docs/architecture.md: Workload row 'netpaths | the caller DaemonSet | v1 | one per node, control plane included | a source on every node': cannot read 'the caller DaemonSet' (expected Kind `name`)");
        assertFinding(findings, "DaemonSet netpaths/caller: not in docs/architecture.md's tables");
    }

    @Test
    void aPolicyRowThatSaysAllowsNothingForAPolicyWithRulesFails() {
        String doc = DOC.replaceAll("(?m)^(\\| netpaths-other \\| `echo` \\| `echo-service` \\| Ingress \\|).*$", "$1 nothing |");
        assertTrue(!doc.equals(DOC), "docs/architecture.md has no NetworkPolicy echo row");
        Check check = Fixtures.architectureCluster(doc);
        assertOnlyFinding(check.check(Fixtures.overlay("kind")), "NetworkPolicy netpaths-other/echo: spec.ingress: has rules, docs/architecture.md says it allows nothing");
    }

    @Test
    void anEntryPointRowWithAnotherBackendFails() {
        Check check = Fixtures.architectureRoutes(docWith("| path prefix `/v2` | netpaths/echo-v2 |", "| path prefix `/v2` | netpaths/echo |"));
        List<String> findings = check.check(Fixtures.gatewayConfig());
        assertFinding(findings, "docs/architecture.md: Ingress: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo");
        assertFinding(findings, "docs/architecture.md: Istio: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo");
    }

    @Test
    void wrongReplicasFail() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo", d -> at(d, "/spec").put("replicas", 3));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths/echo: spec.replicas, topologySpreadConstraints: "
                + "is '3, spread over nodes', docs/architecture.md says '2, spread over nodes'");
    }

    @Test
    void aLocalPolicyNodePortWithClusterPolicyFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-local",
                svc -> at(svc, "/spec").put("externalTrafficPolicy", "Cluster"));
        assertOnlyFinding(cluster.check(manifests), "Service netpaths/echo-local: spec.type: is 'NodePort, `externalTrafficPolicy: Cluster`', "
                + "docs/architecture.md says 'NodePort, `externalTrafficPolicy: Local`'");
    }

    @Test
    void theStickyServiceWithoutClientIpAffinityFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-sticky",
                svc -> at(svc, "/spec").remove("sessionAffinity"));
        assertOnlyFinding(cluster.check(manifests), "Service netpaths/echo-sticky: spec.type: is 'ClusterIP', "
                + "docs/architecture.md says 'ClusterIP, `sessionAffinity: ClientIP`'");
    }

    @Test
    void aCallerThatAvoidsTheControlPlaneFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "DaemonSet netpaths/caller",
                d -> at(d, "/spec/template/spec").remove("tolerations"));
        assertOnlyFinding(cluster.check(manifests), "DaemonSet netpaths/caller: spec.template.spec.tolerations: is 'one per node', "
                + "docs/architecture.md says 'one per node, control plane included'");
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
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/echo: spec.replicas, topologySpreadConstraints: is '2', "
                + "docs/architecture.md says '2, spread over nodes'");
    }

    @Test
    void aMissingNetworkPolicyFails() {
        List<Manifest> manifests = without(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/deny-all");
        assertOnlyFinding(cluster.check(manifests), "docs/architecture.md: NetworkPolicy netpaths-other/deny-all is missing from the rendered manifests");
    }

    @Test
    void aDenyAllThatAllowsSomethingFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/deny-all",
                p -> at(p, "/spec").putArray("ingress").addObject());
        assertOnlyFinding(cluster.check(manifests), "NetworkPolicy netpaths-other/deny-all: spec.ingress: has rules, docs/architecture.md says it allows nothing");
    }

    @Test
    void aMissingRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "HTTPRoute netpaths/echo",
                r -> array(r, "/spec/rules").remove(2));
        assertOnlyFinding(entryPoints.check(manifests), "docs/architecture.md: Gateway API: the table says header x-netpaths-version: v2 "
                + "is routed; gateway-config/ has no such route");
    }

    @Test
    void anUndocumentedRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/3/match/1/uri").put("prefix", "/other"));
        List<String> findings = entryPoints.check(manifests);
        assertFinding(findings, "docs/architecture.md: Istio: routes uri prefix /other → netpaths-other/echo, which the table lacks");
        assertFinding(findings, "docs/architecture.md: Istio: the table says path prefix /other is routed; gateway-config/ has no such route");
    }

    @Test
    void anIngressRouteToTheWrongBackendFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "Ingress netpaths/echo",
                ing -> at(ing, "/spec/rules/0/http/paths/1/backend/service").put("name", "echo"));
        assertOnlyFinding(entryPoints.check(manifests), "docs/architecture.md: Ingress: path prefix /v2 goes to netpaths/echo, the table says netpaths/echo-v2");
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

package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** Unknown fields and wrong types fail, with the file, the object and the field path. */
class StrictModelCheckTest {

    private final StrictModelCheck check = new StrictModelCheck();

    @Test
    void aMisspelledServiceFieldIsAnUnknownField() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-nodeport",
                svc -> at(svc, "/spec/ports/0").put("targetPorts", "http"));
        assertOnlyFinding(check.check(manifests), "k8s/base/netpaths/service-echo-nodeport.yaml via k8s/overlays/kind",
                "Service netpaths/echo-nodeport: spec.ports[0].targetPorts: unknown field (not in the fabric8 Service model");
    }

    @Test
    void aFieldAtTheWrongLevelOfAPodTemplateIsAnUnknownField() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo",
                d -> at(d, "/spec/template/spec").put("readOnlyRootFilesystem", true));
        assertOnlyFinding(check.check(manifests), "Deployment netpaths/echo: spec.template.spec.readOnlyRootFilesystem: unknown field");
    }

    /** The grant is written as v1, as Gateway API's examples write it; the v1beta1 model (same schema) checks it. */
    @Test
    void aMisspelledReferenceGrantFieldIsAnUnknownFieldInTheV1Grant() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "ReferenceGrant netpaths-other/echo-from-netpaths",
                g -> at(g, "/spec/to/0").put("nmae", "echo"));
        assertOnlyFinding(check.check(manifests), "gateway-config/gateway-api/referencegrant-other.yaml",
                "ReferenceGrant netpaths-other/echo-from-netpaths: spec.to[0].nmae: unknown field");
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), StrictModelCheck.unchecked(Fixtures.gatewayConfig()),
                "every gateway-config object, the v1 ReferenceGrant included, has a model or a schema");
    }

    @Test
    void aMisspelledNetworkPolicyFieldIsAnUnknownField() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/echo",
                np -> at(np, "/spec").set("ingres", at(np, "/spec").get("ingress")));
        assertOnlyFinding(check.check(manifests), "k8s/components/network-policies/echo.yaml",
                "NetworkPolicy netpaths-other/echo: spec.ingres: unknown field");
    }

    @Test
    void aMisspelledHttpRouteFieldIsAnUnknownField() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "HTTPRoute netpaths/echo",
                r -> at(r, "/spec/rules/0/backendRefs/0").put("wieght", 5));
        assertOnlyFinding(check.check(manifests), "gateway-config/gateway-api/httproute-echo.yaml: HTTPRoute netpaths/echo:",
                "spec.rules[0].backendRefs[0].wieght: unknown field");
    }

    @Test
    void aReferenceGrantFieldTypoIsAnUnknownField() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "ReferenceGrant netpaths-other/echo-from-netpaths",
                g -> at(g, "/spec/to/0").put("namespace", "netpaths-other"));
        assertOnlyFinding(check.check(manifests), "ReferenceGrant netpaths-other/echo-from-netpaths: spec.to[0].namespace: unknown field");
    }

    @Test
    void aWrongValueTypeDoesNotDeserialize() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo",
                d -> at(d, "/spec").put("replicas", "two"));
        assertOnlyFinding(check.check(manifests), "Deployment netpaths/echo: does not deserialize into Deployment");
    }

    @Test
    void aKindWithNeitherModelNorSchemaIsReportedAsUnchecked() {
        List<Manifest> manifests = ManifestLoader.parse("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", "widget.yaml");
        assertOnlyFinding(StrictModelCheck.unchecked(manifests),
                "widget.yaml: Widget w: apiVersion example.com/v1 kind Widget has neither a fabric8 model nor a vendored schema");
    }
}

package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.assertFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** Istio and MetalLB objects are held to their vendored CRD schemas. */
class SchemaCheckTest {

    private final SchemaCheck check = new SchemaCheck();

    @Test
    void aMisspelledVirtualServiceFieldFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/0").set("rout", at(vs, "/spec/http/0").get("route")));
        assertFinding(check.check(manifests), "gateway-config/istio/virtualservice-echo.yaml: VirtualService netpaths/echo:",
                "rout", "schemas/networking.istio.io/v1/VirtualService.json");
    }

    @Test
    void envoyGatewayPoliciesAreHeldToTheirCrdSchemas() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "SecurityPolicy netpaths/echo-keyed",
                sp -> at(sp, "/spec/apiKeyAuth").set("extractFrom", at(sp, "/spec/apiKeyAuth").get("extractFrom").get(0)));
        assertFinding(check.check(manifests), "gateway-config/gateway-api/securitypolicy-keyed.yaml: SecurityPolicy netpaths/echo-keyed:",
                "extractFrom", "schemas/gateway.envoyproxy.io/v1alpha1/SecurityPolicy.json");
        manifests = broken(Fixtures.gatewayConfig(), "BackendTrafficPolicy netpaths/echo-limited",
                btp -> at(btp, "/spec/rateLimit/local/rules/0/limit").put("unit", "Fortnight"));
        assertFinding(check.check(manifests), "BackendTrafficPolicy netpaths/echo-limited:", "unit");
    }

    @Test
    void aStringMatchWithTwoKindsFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/0/match/0/uri").put("prefix", "/v1"));
        assertFinding(check.check(manifests), "VirtualService netpaths/echo:", "$.spec.http[0].match[0].uri");
    }

    @Test
    void anIstioGatewayServerWithoutPortNumberFails() {
        List<Manifest> manifests = Fixtures.gatewayConfig();
        // Gateway API and Istio both have a Gateway netpaths/netpaths-gateway: break the Istio one.
        manifests.stream().filter(m -> m.is("networking.istio.io", "Gateway"))
                .forEach(m -> at(m.body(), "/spec/servers/0/port").remove("number"));
        assertFinding(check.check(manifests), "gateway-config/istio/gateway.yaml: Gateway netpaths/netpaths-gateway:", "number");
    }

    @Test
    void aMisspelledMetalLbPoolFieldFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "IPAddressPool metallb-system/netpaths-pool",
                pool -> at(pool, "/spec").set("adresses", at(pool, "/spec").remove("addresses")));
        List<String> findings = check.check(manifests);
        assertFinding(findings, "gateway-config/metallb/ipaddresspool.yaml: IPAddressPool metallb-system/netpaths-pool:", "adresses");
        assertFinding(findings, "IPAddressPool metallb-system/netpaths-pool:", "addresses");
    }

    @Test
    void anL2AdvertisementWithAWrongTypeFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "L2Advertisement metallb-system/netpaths-l2",
                l2 -> at(l2, "/spec").put("ipAddressPools", "netpaths-pool"));
        assertFinding(check.check(manifests), "L2Advertisement metallb-system/netpaths-l2:", "ipAddressPools", "array");
    }
}

package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;
import static dev.netpaths.manifests.Fixtures.without;

/** Every route backend names an existing Service and port; routes attach to existing gateways. */
class RouteBackendCheckTest {

    private final RouteBackendCheck check = new RouteBackendCheck();

    @Test
    void anIngressBackendNamingNoServiceFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "Ingress netpaths/echo",
                ing -> at(ing, "/spec/rules/0/http/paths/1/backend/service").put("name", "echo-v3"));
        assertOnlyFinding(check.check(manifests), "gateway-config/ingress/ingress-echo.yaml: Ingress netpaths/echo:",
                "spec.rules[0].http.paths[1].backend.service: Service netpaths/echo-v3 does not exist");
    }

    @Test
    void anIngressBackendNamingAPortTheServiceDoesNotHaveFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "Ingress netpaths/echo",
                ing -> at(ing, "/spec/rules/0/http/paths/0/backend/service/port").put("name", "web"));
        assertOnlyFinding(check.check(manifests), "Ingress netpaths/echo: spec.rules[0].http.paths[0].backend.service:",
                "port 'web' is not a TCP port of");
    }

    @Test
    void anHttpRouteBackendOnAWrongPortFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "HTTPRoute netpaths/echo",
                r -> at(r, "/spec/rules/3/backendRefs/1").put("port", 8081));
        assertOnlyFinding(check.check(manifests), "HTTPRoute netpaths/echo: spec.rules[3].backendRefs[1]:",
                "port 8081 is not a TCP port of", "Service netpaths/echo-v2");
    }

    @Test
    void aVirtualServiceDestinationNamingNoServiceFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/3/route/0/destination").put("host", "echo.netpaths-others.svc.cluster.local"));
        assertOnlyFinding(check.check(manifests), "gateway-config/istio/virtualservice-echo.yaml: VirtualService netpaths/echo:",
                "spec.http[3].route[0].destination: Service netpaths-others/echo does not exist");
    }

    @Test
    void anHttpRouteOnAMissingGatewayFails() {
        List<Manifest> manifests = broken(Fixtures.cluster(), "HTTPRoute netpaths/echo",
                r -> at(r, "/spec/parentRefs/0").put("sectionName", "https"));
        assertOnlyFinding(check.check(manifests), "HTTPRoute netpaths/echo: spec.parentRefs[0].sectionName:",
                "Gateway netpaths/netpaths-gateway has no listener 'https'");
    }

    @Test
    void aGatewayOfAMissingClassFails() {
        List<Manifest> manifests = without(Fixtures.cluster(), "GatewayClass netpaths");
        assertOnlyFinding(check.check(manifests), "gateway-config/gateway-api/gateway.yaml: Gateway netpaths/netpaths-gateway:",
                "spec.gatewayClassName: GatewayClass netpaths does not exist");
    }
}

package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayNginxTest {
    private static final String HOST = "gateway.netpaths.test";

    @TempDir
    Path dir;

    private final List<HasMetadata> objects = IngressNginxTest.withEntrypoints();
    private final Fixtures.Cluster cluster = Fixtures.cluster(objects);

    private String render(List<ReferenceGrant> grants) {
        return GatewayNginx.render(Manifests.ofType(objects, GatewayClass.class), Manifests.ofType(objects, Gateway.class),
                Manifests.ofType(objects, HTTPRoute.class), grants, ClusterAddons.namespaces(objects),
                cluster.services(), cluster.slices(), new NginxPaths(dir.toString(), 8081));
    }

    private String render() {
        return render(Manifests.ofType(objects, ReferenceGrant.class));
    }

    private List<String> ips(String namespace, String version) {
        return cluster.pods(namespace, "echo-service").stream().filter(p -> version.equals(p.getMetadata().getLabels().get("version")))
                .map(p -> "200 " + p.getStatus().getPodIP()).toList();
    }

    @Test
    void weightedBackendsBecomeASplitOnTheRequestId() {
        String conf = render();
        assertTrue(conf.contains("    split_clients \"${request_id}\" $np_split_0 {\n        80.00% \"np.netpaths.echo.8080\";\n"
                + "        * \"np.netpaths.echo-v2.8080\";\n    }\n"), conf);
    }

    @Test
    void aCrossNamespaceBackendNeedsAReferenceGrant() {
        String granted = render();
        assertTrue(granted.contains("upstream np.netpaths-other.echo.8080 {"), granted);
        String denied = render(List.of());
        assertTrue(!denied.contains("np.netpaths-other.echo.8080") && denied.contains("# HTTPRoute netpaths/echo rules[4] PathPrefix /other\n"
                + "            set $np_target \"@500\";"), denied);
    }

    @Test
    void nginxAcceptsTheConfig() {
        Assumptions.assumeTrue(Fixtures.hasNginx(), "needs nginx");
        Fixtures.Result result = Fixtures.nginxTest(dir, render());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void routesWithGatewayApiPrecedence() {
        Assumptions.assumeTrue(Fixtures.canProbe(), "needs root, nginx, python3, curl");
        List<String> requests = new ArrayList<>(List.of(HOST + "|/v1/x", HOST + "|/v2", HOST + "|/other",
                HOST + "|/other-denied", HOST + "|/other-denied/x", HOST + "|/nope", HOST + "|/nope|x-netpaths-version: v2",
                HOST + "|/v1|x-netpaths-version: v2", "other.test|/v1"));
        for (int i = 0; i < 200; i++) {
            requests.add(HOST + "|/split");
        }
        List<String> answers = Fixtures.probe(dir, render(), 8081, requests.toArray(String[]::new));
        List<String> v1 = ips("netpaths", "v1");
        List<String> v2 = ips("netpaths", "v2");
        assertTrue(v1.contains(answers.get(0)), answers.toString());
        assertEquals(v2.get(0), answers.get(1));
        assertTrue(ips("netpaths-other", "v1").contains(answers.get(2)), answers.toString());
        assertEquals(List.of("500", "500", "404"), answers.subList(3, 6));
        assertEquals(v2.get(0), answers.get(6), "the header rule matches on any path");
        assertTrue(v1.contains(answers.get(7)), "the longer path prefix wins over the header match: " + answers);
        assertEquals("404", answers.get(8));
        Map<String, Long> split = answers.subList(9, answers.size()).stream()
                .collect(Collectors.groupingBy(a -> v2.contains(a) ? "v2" : v1.contains(a) ? "v1" : a, Collectors.counting()));
        assertEquals(200, split.getOrDefault("v1", 0L) + split.getOrDefault("v2", 0L), split.toString());
        // 20 % of 200: binomial sd is about 5.7, so 15..70 is far outside chance
        assertTrue(split.getOrDefault("v2", 0L) >= 15 && split.getOrDefault("v2", 0L) <= 70, split.toString());
    }

    @Test
    void statusReportsTheAddressAndTheDeniedReference() {
        List<Gateway> gateways = Manifests.ofType(objects, Gateway.class);
        List<HTTPRoute> routes = Manifests.ofType(objects, HTTPRoute.class);
        GatewayNginx.writeStatus(Manifests.ofType(objects, GatewayClass.class), gateways, routes,
                Manifests.ofType(objects, ReferenceGrant.class), ClusterAddons.namespaces(objects), cluster.services(), "172.18.255.200");
        Gateway gateway = gateways.get(0);
        assertEquals("172.18.255.200", gateway.getStatus().getAddresses().get(0).getValue());
        assertEquals("IPAddress", gateway.getStatus().getAddresses().get(0).getType());
        assertEquals(List.of("Accepted=True", "Programmed=True"), gateway.getStatus().getConditions().stream()
                .map(c -> c.getType() + "=" + c.getStatus()).toList());
        assertEquals(1, gateway.getStatus().getListeners().get(0).getAttachedRoutes());
        List<Condition> route = routes.get(0).getStatus().getParents().get(0).getConditions();
        assertEquals(List.of("Accepted=True/Accepted", "ResolvedRefs=False/RefNotPermitted"), route.stream()
                .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).toList());
        assertEquals(GatewayNginx.CONTROLLER_NAME, routes.get(0).getStatus().getParents().get(0).getControllerName());
    }

    @Test
    void unsupportedMatchesAreRejectedNamingTheRoute() {
        List<HTTPRoute> routes = Manifests.ofType(Manifests.parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: regex, namespace: netpaths}
                spec:
                  parentRefs: [{name: netpaths-gateway}]
                  rules: [{matches: [{path: {type: RegularExpression, value: "/v[0-9]+"}}], backendRefs: [{name: echo, port: 8080}]}]
                """), HTTPRoute.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GatewayNginx.render(
                Manifests.ofType(objects, GatewayClass.class), Manifests.ofType(objects, Gateway.class), routes, List.of(),
                ClusterAddons.namespaces(objects), cluster.services(), cluster.slices(), new NginxPaths(dir.toString(), 8081)));
        assertTrue(e.getMessage().startsWith("HTTPRoute netpaths/regex rules[0]: path match type RegularExpression"), e.getMessage());
    }

    /** A Gateway is Envoy Gateway's only when its GatewayClass names Envoy Gateway's controllerName. */
    @Test
    void servesOnlyGatewaysWhoseClassNamesEnvoyGatewaysController() {
        assertTrue(render().contains("server_name gateway.netpaths.test;"));
        List<GatewayClass> other = Manifests.ofType(Manifests.parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: netpaths}
                spec: {controllerName: example.com/another-controller}
                """), GatewayClass.class);
        String conf = GatewayNginx.render(other, Manifests.ofType(objects, Gateway.class), Manifests.ofType(objects, HTTPRoute.class),
                Manifests.ofType(objects, ReferenceGrant.class), ClusterAddons.namespaces(objects), cluster.services(),
                cluster.slices(), new NginxPaths(dir.toString(), 8081));
        assertFalse(conf.contains("gateway.netpaths.test"), conf);
        assertEquals(List.of(), GatewayNginx.listenerPorts(other, Manifests.ofType(objects, Gateway.class)));
        List<Gateway> gateways = Manifests.ofType(objects, Gateway.class);
        GatewayNginx.writeStatus(other, gateways, Manifests.ofType(objects, HTTPRoute.class), List.of(),
                ClusterAddons.namespaces(objects), cluster.services(), "172.18.255.200");
        assertEquals(null, gateways.get(0).getStatus(), "no controller writes the status of a Gateway it does not own");
    }

    /** The proxy listens on the listeners' ports: a listener on 8080 moves the entry point there. */
    @Test
    void theProxyListensOnTheListenerPorts() {
        List<Gateway> gateways = Manifests.ofType(objects, Gateway.class);
        List<GatewayClass> classes = Manifests.ofType(objects, GatewayClass.class);
        assertEquals(List.of(80), GatewayNginx.listenerPorts(classes, gateways));
        gateways.get(0).getSpec().getListeners().get(0).setPort(8080);
        assertEquals(List.of(8080), GatewayNginx.listenerPorts(classes, gateways));
        List<HasMetadata> moved = new java.util.ArrayList<>(objects);
        Service envoy = Manifests.ofType(ClusterAddons.addons(Fixtures.DNS_IP, IngressNginx.Controller.NGINX_INC, moved), Service.class)
                .stream().filter(s -> s.getMetadata().getName().equals("envoy-netpaths-gateway")).findFirst().orElseThrow();
        assertEquals(List.of(8080), envoy.getSpec().getPorts().stream().map(p -> p.getPort()).toList());
        assertEquals("Local", envoy.getSpec().getExternalTrafficPolicy(), "Envoy Gateway's default externalTrafficPolicy");
    }

    /** allowedRoutes.namespaces.from: Selector matches the route namespace's labels. */
    @Test
    void aSelectorListenerTakesRoutesFromTheNamespacesItSelects() {
        assertFalse(renderWithSelector("elsewhere").contains("server_name gateway.netpaths.test;"));
        assertTrue(renderWithSelector("netpaths").contains("server_name gateway.netpaths.test;"));
    }

    private String renderWithSelector(String namespaceName) {
        List<Gateway> gateways = Manifests.ofType(objects, Gateway.class);
        gateways.get(0).getSpec().getListeners().forEach(l -> l.setAllowedRoutes(
                new io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutesBuilder().withNewNamespaces().withFrom("Selector")
                        .withNewSelector().addToMatchLabels("kubernetes.io/metadata.name", namespaceName).endSelector()
                        .endNamespaces().build()));
        return GatewayNginx.render(Manifests.ofType(objects, GatewayClass.class), gateways, Manifests.ofType(objects, HTTPRoute.class),
                Manifests.ofType(objects, ReferenceGrant.class), ClusterAddons.namespaces(objects), cluster.services(),
                cluster.slices(), new NginxPaths(dir.toString(), 8081));
    }
}

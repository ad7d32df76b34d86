package dev.netpaths.lab.addons;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Envoy Gateway's SecurityPolicy apiKeyAuth and BackendTrafficPolicy local rate limit in the gateway stand-in, against
 * what Envoy answers: 401 "Client authentication failed." without a known key, the key taken as is or after "Bearer "
 * (envoyproxy/envoy source/extensions/filters/http/api_key_auth/api_key_auth.cc); 429 past the token bucket of
 * {@code requests} per unit (source/extensions/filters/http/local_ratelimit/local_ratelimit.cc, status 429 by default;
 * the bucket from envoyproxy/gateway v1.9.0 internal/xds/translator/local_ratelimit.go); other rules unaffected.
 */
class GatewayPoliciesTest {
    private static final String HOST = "gateway.netpaths.test";

    @TempDir
    Path dir;

    private final List<HasMetadata> objects = withPolicies();
    private final Fixtures.Cluster cluster = Fixtures.cluster(objects);

    private static List<HasMetadata> withPolicies() {
        List<HasMetadata> objects = new ArrayList<>(IngressNginxTest.withEntrypoints());
        objects.addAll(Manifests.parse(Fixtures.resource("gateway-policies.yaml")));
        return objects;
    }

    private String render() {
        return render(objects);
    }

    private String render(List<HasMetadata> objects) {
        return GatewayNginx.render(Manifests.ofType(objects, GatewayClass.class), Manifests.ofType(objects, Gateway.class),
                Manifests.ofType(objects, HTTPRoute.class), Manifests.ofType(objects, ReferenceGrant.class),
                ClusterAddons.namespaces(objects), cluster.services(), cluster.slices(), new NginxPaths(dir.toString(), 8081),
                GatewayPolicies.read(objects, Manifests.ofType(objects, Secret.class)));
    }

    @Test
    void keysComeFromTheSecretsDataAndStringData() {
        String conf = render();
        assertTrue(conf.contains("    map $http_x_api_key $np_key_0 {\n        \"key-a\" 1;\n        \"Bearer key-a\" 1;\n"
                + "        \"key-b\" 1;\n        \"Bearer key-b\" 1;\n        default 0;\n    }\n"), conf);
        assertTrue(conf.contains("    limit_req_zone $np_limit_0 zone=np_limit_0:1m rate=3r/m;\n"), conf);
        assertTrue(conf.contains("            limit_req zone=np_limit_0 burst=2 nodelay;\n"), conf);
    }

    @Test
    void nginxAcceptsTheConfig() {
        Assumptions.assumeTrue(Fixtures.hasNginx(), "needs nginx");
        Fixtures.Result result = Fixtures.nginxTest(dir, render());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void answersAsEnvoyDoes() {
        Assumptions.assumeTrue(Fixtures.canProbe(), "needs root, nginx, python3, curl");
        List<String> requests = new ArrayList<>(List.of(HOST + "|/keyed", HOST + "|/keyed/x|x-api-key: key-a",
                HOST + "|/keyed|x-api-key: Bearer key-b", HOST + "|/keyed|x-api-key: key-c", HOST + "|/keyed-header|x-lane: a",
                HOST + "|/v1/x"));
        requests.addAll(Collections.nCopies(6, HOST + "|/limited"));
        requests.add(HOST + "|/v1");
        List<String> answers = Fixtures.probe(dir, render(), 8081, requests.toArray(String[]::new));
        List<String> status = answers.stream().map(a -> a.substring(0, 3)).toList();
        assertEquals(List.of("401", "200", "200", "401", "401", "200"), status.subList(0, 6), answers.toString());
        assertEquals(List.of("200", "200", "200", "429", "429", "429"), status.subList(6, 12),
                "3 a minute: 3 at once, then 429 " + answers);
        assertEquals("200", status.get(12), "other rules do not count against the limit: " + answers);
    }

    @Test
    void withoutThePoliciesNothingIsRefusedOrLimited() {
        List<HasMetadata> without = objects.stream().filter(o -> !(o instanceof GenericKubernetesResource g)
                || !g.getApiVersion().startsWith("gateway.envoyproxy.io/")).toList();
        String conf = render(without);
        assertTrue(!conf.contains("@401") && !conf.contains("limit_req"), conf);
    }

    @Test
    void fieldsTheLabDoesNotModelAreRefusedByName() {
        assertRefused("the lab does not model spec.basicAuth", p -> spec(p, "keyed").put("basicAuth", Map.of()));
        assertRefused("the lab does not model spec.apiKeyAuth.forwardClientIDHeader",
                p -> map(spec(p, "keyed").get("apiKeyAuth")).put("forwardClientIDHeader", "x-client"));
        assertRefused("the lab does not model spec.apiKeyAuth.extractFrom[0].params",
                p -> map(spec(p, "keyed").get("apiKeyAuth")).put("extractFrom", List.of(Map.of("params", List.of("key")))));
        assertRefused("the lab does not model spec.rateLimit.global", p -> map(spec(p, "limited").get("rateLimit")).put("global", Map.of()));
        assertRefused("the lab does not model spec.rateLimit.local.rules[0].limit.unit Hour",
                p -> map(map(((List<?>) map(map(spec(p, "limited").get("rateLimit")).get("local")).get("rules")).get(0)).get("limit"))
                        .put("unit", "Hour"));
        assertRefused("the lab does not model spec.rateLimit.local.rules[0].clientSelectors",
                p -> map(((List<?>) map(map(spec(p, "limited").get("rateLimit")).get("local")).get("rules")).get(0))
                        .put("clientSelectors", List.of()));
        assertRefused("the lab does not model spec.targetRefs of kind Gateway",
                p -> spec(p, "limited").put("targetRefs", List.of(Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway",
                        "name", "netpaths-gateway"))));
        assertRefused("SecurityPolicy netpaths/keyed: Secret netpaths/missing does not exist",
                p -> map(spec(p, "keyed").get("apiKeyAuth")).put("credentialRefs", List.of(Map.of("name", "missing"))));
    }

    private void assertRefused(String message, Consumer<List<HasMetadata>> change) {
        List<HasMetadata> copy = Manifests.parse(io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                new io.fabric8.kubernetes.api.model.KubernetesListBuilder().withItems(objects).build()));
        change.accept(copy);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayPolicies.read(copy, Manifests.ofType(copy, Secret.class)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static Map<String, Object> spec(List<HasMetadata> objects, String name) {
        return map(Manifests.ofType(objects, GenericKubernetesResource.class).stream()
                .filter(g -> g.getMetadata().getName().equals(name) && g.getApiVersion().startsWith("gateway.envoyproxy.io/"))
                .findFirst().orElseThrow().getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}

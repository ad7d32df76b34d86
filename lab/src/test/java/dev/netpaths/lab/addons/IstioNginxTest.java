package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IstioNginxTest {
    private static final String HOST = "istio.netpaths.test";

    @TempDir
    Path dir;

    private final List<HasMetadata> objects = IngressNginxTest.withEntrypoints();
    private final Fixtures.Cluster cluster = Fixtures.cluster(objects);

    private String render(List<GenericKubernetesResource> gateways) {
        return IstioNginx.render(gateways, Manifests.ofKind(objects, "networking.istio.io", "VirtualService"),
                cluster.services(), cluster.slices(), new NginxPaths(dir.toString(), 8081));
    }

    private String render() {
        return render(Manifests.ofKind(objects, "networking.istio.io", "Gateway"));
    }

    @Test
    void uriPrefixIsAPlainStringPrefixAndExactIsExact() {
        String conf = render();
        assertTrue(conf.contains("        location = \"/v1\" {\n"), conf);
        assertTrue(conf.contains("        location \"/v1/\" {\n"), conf);
        assertTrue(conf.contains("        location \"/split\" {\n"), conf);
        assertTrue(conf.contains("server_name istio.netpaths.test;"), conf);
    }

    @Test
    void aGatewaySelectingOtherPodsServesNothing() {
        GenericKubernetesResource gateway = Manifests.ofKind(objects, "networking.istio.io", "Gateway").get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) gateway.getAdditionalProperties().get("spec");
        spec.put("selector", Map.of("istio", "egressgateway"));
        assertFalse(render(List.of(gateway)).contains(HOST));
    }

    @Test
    void nginxAcceptsTheConfig() {
        Assumptions.assumeTrue(Fixtures.hasNginx(), "needs nginx");
        Fixtures.Result result = Fixtures.nginxTest(dir, render());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void routesFirstMatchInOrder() {
        Assumptions.assumeTrue(Fixtures.canProbe(), "needs root, nginx, python3, curl");
        List<String> answers = Fixtures.probe(dir, render(), 8081, HOST + "|/v1", HOST + "|/v1x", HOST + "|/splitting",
                HOST + "|/other-x", HOST + "|/nope|x-netpaths-version: v2", HOST + "|/v1/x|x-netpaths-version: v2",
                HOST + "|/nope", "gateway.netpaths.test|/v1");
        List<String> v1 = cluster.pods("netpaths", "echo-service").stream().filter(p -> "v1".equals(p.getMetadata().getLabels().get("version")))
                .map(p -> "200 " + p.getStatus().getPodIP()).toList();
        List<String> v2 = cluster.pods("netpaths", "echo-service").stream().filter(p -> "v2".equals(p.getMetadata().getLabels().get("version")))
                .map(p -> "200 " + p.getStatus().getPodIP()).toList();
        List<String> other = cluster.pods("netpaths-other", "echo-service").stream().map(p -> "200 " + p.getStatus().getPodIP()).toList();
        assertTrue(v1.contains(answers.get(0)), answers.toString());
        assertEquals("404", answers.get(1));
        assertTrue(v1.contains(answers.get(2)) || v2.contains(answers.get(2)), "prefix /split matches /splitting: " + answers);
        assertTrue(other.contains(answers.get(3)), answers.toString());
        assertEquals(v2.get(0), answers.get(4));
        assertTrue(v1.contains(answers.get(5)), "the earlier v1 rule wins: " + answers);
        assertEquals(List.of("404", "404"), answers.subList(6, 8));
    }
}

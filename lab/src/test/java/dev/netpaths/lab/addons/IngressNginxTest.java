package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngressNginxTest {
    @TempDir
    Path dir;

    private final List<HasMetadata> objects = withEntrypoints();
    private final Fixtures.Cluster cluster = Fixtures.cluster(objects);

    static List<HasMetadata> withEntrypoints() {
        List<HasMetadata> objects = new ArrayList<>(Fixtures.objects());
        objects.addAll(Manifests.parse(Fixtures.resource("entrypoints.yaml")));
        return objects;
    }

    private String render() {
        return render(IngressNginx.Controller.NGINX_INC, objects, cluster);
    }

    /** The config of {@code controller}, with the IngressClass nginx its install creates. */
    private String render(IngressNginx.Controller controller, List<HasMetadata> objects, Fixtures.Cluster cluster) {
        return IngressNginx.render(controller, classes(controller), Manifests.ofType(objects, Ingress.class),
                cluster.services(), cluster.slices(), new NginxPaths(dir.toString(), 8081));
    }

    private static List<IngressClass> classes(IngressNginx.Controller controller) {
        return Manifests.ofType(ClusterAddons.addons(Fixtures.DNS_IP, controller, List.of()), IngressClass.class);
    }

    private String ip(String namespace, String version) {
        return cluster.pods(namespace, "echo-service").stream().filter(p -> version.equals(p.getMetadata().getLabels().get("version")))
                .map(p -> p.getStatus().getPodIP()).sorted().toList().toString();
    }

    @Test
    void ingressNginxRendersUpstreamsToReadyPodsAndPrefixAsTwoLocations() {
        String conf = render(IngressNginx.Controller.INGRESS_NGINX, objects, cluster);
        List<String> v1 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).map(p -> p.getStatus().getPodIP()).sorted().toList();
        assertTrue(conf.contains("    upstream np.netpaths.echo.8080 {\n        server " + v1.get(0) + ":8080 max_fails=0;\n        server "
                + v1.get(1) + ":8080 max_fails=0;\n    }\n"), conf);
        assertTrue(conf.contains("        location = \"/v1\" {\n"), conf);
        assertTrue(conf.contains("        location \"/v1/\" {\n"), conf);
        assertTrue(conf.contains("        location = \"/exact\" {\n"), conf);
        assertTrue(conf.contains("listen 8081 default_server;"), conf);
        assertTrue(conf.contains("proxy_set_header X-Forwarded-For $remote_addr;"), conf);
        assertTrue(conf.contains("pid " + dir + "/nginx.pid;"), conf);
        assertFalse(conf.contains("traefik.netpaths.test"), "only IngressClass nginx is served");
    }

    @Test
    void nginxAcceptsTheConfig() {
        Assumptions.assumeTrue(Fixtures.hasNginx(), "needs nginx");
        Fixtures.Result result = Fixtures.nginxTest(dir, render());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void routesLikeIngressNginx() {
        Assumptions.assumeTrue(Fixtures.canProbe(), "needs root, nginx, python3, curl");
        String host = "ingress.netpaths.test";
        List<String> answers = Fixtures.probe(dir, render(IngressNginx.Controller.INGRESS_NGINX, objects, cluster), 8081, host + "|/v1", host + "|/v1/deeper", host + "|/v1x",
                host + "|/v2", host + "|/exact", host + "|/exact/x", host + "|/", "unknown.test|/v1");
        List<String> v1 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).map(p -> "200 " + p.getStatus().getPodIP()).toList();
        assertTrue(v1.contains(answers.get(0)), answers.toString());
        assertTrue(v1.contains(answers.get(1)), answers.toString());
        assertEquals("404", answers.get(2));
        assertEquals("200 " + ip("netpaths", "v2").replaceAll("[\\[\\]]", ""), answers.get(3));
        assertTrue(v1.contains(answers.get(4)), answers.toString());
        assertEquals(List.of("404", "404", "404"), answers.subList(5, 8));
    }

    /** ingress-nginx answers 503, F5 NGINX IC 502 (an upstream with only its default server) for a backend without endpoints. */
    @Test
    void aBackendWithoutReadyEndpointsAnswers503OnIngressNginxAnd502OnF5() {
        String v2 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v2".equals(p.getMetadata().getLabels().get("version"))).map(Pod::getMetadata).findFirst().orElseThrow().getName();
        Fixtures.Cluster down = Fixtures.cluster(objects, v2);
        String conf = render(IngressNginx.Controller.INGRESS_NGINX, objects, down);
        assertFalse(conf.contains("np.netpaths.echo-v2.8080"), conf);
        assertTrue(conf.contains("set $np_target \"@503\";"), conf);
        String f5 = render(IngressNginx.Controller.NGINX_INC, objects, down);
        assertTrue(f5.contains("set $np_target \"@502\";"), f5);
        assertTrue(f5.contains("return 502;"), f5);
        assertFalse(f5.contains("@503"), f5);
    }

    /** nginx/kubernetes-ingress generateIngressPath: Prefix is nginx's plain prefix, Exact "= /p". */
    @Test
    void f5RendersPrefixAsAPlainPrefixAndAppendsForwardedFor() {
        String conf = render();
        assertTrue(conf.contains("        location \"/v1\" {\n"), conf);
        assertFalse(conf.contains("location \"/v1/\""), conf);
        assertTrue(conf.contains("        location = \"/exact\" {\n"), conf);
        assertTrue(conf.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"), conf);
        assertFalse(conf.contains("X-Forwarded-For $remote_addr"), conf);
        // F5's default lb-method (internal/configs/config_params.go LBMethod)
        assertTrue(conf.contains("    upstream np.netpaths.echo.8080 {\n        random two least_conn;\n"), conf);
        assertFalse(render(IngressNginx.Controller.INGRESS_NGINX, objects, cluster).contains("random two"), "ingress-nginx: round robin");
        assertFalse(conf.contains("traefik.netpaths.test"), "only IngressClass nginx is served");
    }

    @Test
    void routesLikeF5NginxIngressController() {
        Assumptions.assumeTrue(Fixtures.canProbe(), "needs root, nginx, python3, curl");
        String host = "ingress.netpaths.test";
        List<String> answers = Fixtures.probe(dir, render(), 8081, host + "|/v1", host + "|/v1x", host + "|/v10/echo",
                host + "|/exact/x", "unknown.test|/v1");
        List<String> v1 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).map(p -> "200 " + p.getStatus().getPodIP()).toList();
        assertTrue(v1.contains(answers.get(0)), answers.toString());
        assertTrue(v1.contains(answers.get(1)), "/v1 matches /v1x on F5: " + answers);
        assertTrue(v1.contains(answers.get(2)), "/v1 matches /v10/echo on F5: " + answers);
        assertEquals(List.of("404", "404"), answers.subList(3, 5));
    }

    @Test
    void anIngressClassOfAnotherControllerIsNotServed() {
        String conf = IngressNginx.render(IngressNginx.Controller.NGINX_INC, classes(IngressNginx.Controller.INGRESS_NGINX),
                Manifests.ofType(objects, Ingress.class), cluster.services(), cluster.slices(), new NginxPaths(dir.toString(), 8081));
        assertFalse(conf.contains("ingress.netpaths.test"), conf);
        assertEquals(IngressNginx.Controller.NGINX_INC, IngressNginx.Controller.fromSetting(null));
        assertEquals(IngressNginx.Controller.INGRESS_NGINX, IngressNginx.Controller.fromSetting("ingress-nginx"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> IngressNginx.Controller.fromSetting("traefik"));
        assertTrue(e.getMessage().contains("got 'traefik'"), e.getMessage());
    }

    @Test
    void statusCarriesTheControllerAddressForItsClassOnly() {
        List<Ingress> ingresses = Manifests.ofType(objects, Ingress.class);
        IngressNginx.writeStatus(IngressNginx.Controller.NGINX_INC, classes(IngressNginx.Controller.NGINX_INC), ingresses, "172.18.255.201");
        assertEquals("172.18.255.201", ingresses.get(0).getStatus().getLoadBalancer().getIngress().get(0).getIp());
        assertNull(ingresses.get(1).getStatus());
    }
}

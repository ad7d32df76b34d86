package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestsTest {
    @Test
    void typedKindsBecomeTheirModelClassesAndCrdsGeneric() {
        List<HasMetadata> objects = Manifests.parse(Fixtures.resource("cluster.yaml") + "\n---\n"
                + Fixtures.resource("entrypoints.yaml"));
        assertEquals(4, Manifests.ofType(objects, Deployment.class).size());
        assertEquals(9, Manifests.ofType(objects, Service.class).size());
        assertEquals(3, Manifests.ofType(objects, NetworkPolicy.class).size());
        assertEquals(2, Manifests.ofType(objects, Ingress.class).size());
        assertEquals(1, Manifests.ofType(objects, Gateway.class).size());
        assertEquals(1, Manifests.ofType(objects, HTTPRoute.class).size());
        assertEquals(1, Manifests.ofType(objects, ReferenceGrant.class).size());
        assertEquals(1, Manifests.ofKind(objects, "networking.istio.io", "Gateway").size());
        assertEquals(1, Manifests.ofKind(objects, "networking.istio.io", "VirtualService").size());
        GenericKubernetesResource pool = Manifests.ofKind(objects, "metallb.io", "IPAddressPool").get(0);
        assertEquals("netpaths-pool", pool.getMetadata().getName());
    }

    /** Gateway API serves ReferenceGrant as v1 and v1beta1; both are the grant GatewayNginx reads. */
    @Test
    void aReferenceGrantWrittenAsV1IsTheTypedGrant() {
        String grant = """
                apiVersion: gateway.networking.k8s.io/%s
                kind: ReferenceGrant
                metadata: {name: g, namespace: netpaths-other}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: netpaths}]
                  to: [{group: "", kind: Service, name: echo}]
                """;
        for (String version : List.of("v1", "v1beta1")) {
            List<ReferenceGrant> grants = Manifests.ofType(Manifests.parse(grant.formatted(version)), ReferenceGrant.class);
            assertEquals(1, grants.size(), version);
            assertEquals("netpaths", grants.get(0).getSpec().getFrom().get(0).getNamespace(), version);
            assertEquals("echo", grants.get(0).getSpec().getTo().get(0).getName(), version);
            assertEquals("gateway.networking.k8s.io/" + version, grants.get(0).getApiVersion());
        }
        assertTrue(Manifests.ofType(Manifests.parse(grant.formatted("v1").replace("ReferenceGrant", "Other")),
                ReferenceGrant.class).isEmpty(), "only ReferenceGrant is read into that model");
    }

    @Test
    void listsAreFlattenedAndCommentOnlyDocumentsSkipped() {
        String yaml = """
                # leading comment
                ---
                apiVersion: v1
                kind: List
                items:
                  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
                  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
                --- # trailing comment on the separator
                # only a comment
                """;
        List<HasMetadata> objects = Manifests.parse(yaml);
        assertEquals(List.of("a", "b"), Manifests.ofType(objects, ConfigMap.class).stream()
                .map(c -> c.getMetadata().getName()).toList());
    }

    @Test
    void aBrokenDocumentIsNamedByNumber() {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifests.parse(yaml));
        assertTrue(e.getMessage().startsWith("manifest document 2 "), e.getMessage());
    }
}

package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Discovery of snapshots shaped like a real kind/k3d cluster's (no lab ConfigMap), built from YAML: no server. */
class RealClusterDiscoveryTest {

    static Topology discover(String fallback, String... objects) {
        String list = "apiVersion: v1\nkind: List\nitems:\n" + String.join("", List.of(objects).stream()
                .map(o -> "- " + o.strip().replace("\n", "\n  ") + "\n").toList());
        return new Discovery(ClusterSnapshot.parse("https://127.0.0.1:6443", list)).discover(fallback);
    }

    static String daemonSet(String namespace, String name) {
        return """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: %s, namespace: %s}
                """.formatted(name, namespace);
    }

    @Test
    void calicoNodeDaemonSetMeansCalicoEnforcingPolicy() {
        Topology.Cni cni = discover("kind-netpaths", daemonSet("kube-system", "kube-proxy"),
                daemonSet("calico-system", "calico-node")).cni();
        assertEquals("calico", cni.name());
        assertEquals(Boolean.TRUE, cni.enforcesNetworkPolicy());
        assertEquals("DaemonSet calico-system/calico-node", cni.detectedFrom());
    }

    @Test
    void flannelDaemonSetMeansPolicyIsNotEnforced() {
        Topology.Cni cni = discover("kind-netpaths", daemonSet("kube-flannel", "kube-flannel-ds")).cni();
        assertEquals("flannel", cni.name());
        assertEquals(Boolean.FALSE, cni.enforcesNetworkPolicy());
    }

    @Test
    void weaveIsRecognisedAndAnUnknownCniStaysUnknown() {
        assertEquals("unknown", discover("x").cni().name());
        assertNull(discover("x").cni().enforcesNetworkPolicy());
        assertEquals("unknown", discover("x", daemonSet("default", "weave-net")).cni().name(),
                "a CNI DaemonSet counts only in the namespaces CNIs install into");
        assertEquals("weave", discover("x", daemonSet("kube-system", "weave-net")).cni().name());
    }

    @Test
    void clusterNameComesFromTheEchoPodsEnvironmentElseTheContext() {
        assertEquals("kind-netpaths", discover("kind-netpaths").cluster());
        String echo = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: echo-1
                  namespace: %s
                  labels: {app.kubernetes.io/name: echo-service}
                spec:
                  containers:
                  - name: echo
                    env: [{name: CLUSTER_NAME, value: netpaths-b}]
                """;
        assertEquals("kind-netpaths", discover("kind-netpaths", echo.formatted("default")).cluster(),
                "only an echo pod in netpaths names the cluster");
        Topology t = discover("kind-netpaths", echo.formatted("netpaths"));
        assertEquals("netpaths-b", t.cluster());
        assertEquals("kubernetes", t.platform());
        assertEquals("https://127.0.0.1:6443", t.apiServer());
        assertFalse(t.pods().get(0).ready(), "a pod without a Ready condition and IP is not ready");
    }

    @Test
    void istioIsFoundByItsIngressGatewayServiceAndVirtualService() {
        assertFalse(discover("x").istio().installed());
        String gateway = """
                apiVersion: v1
                kind: Service
                metadata: {name: istio-ingressgateway, namespace: istio-system}
                spec:
                  type: LoadBalancer
                  ports: [{name: http2, port: 80}]
                status:
                  loadBalancer:
                    ingress: [{ip: 172.18.255.203}]
                """;
        Topology.Istio istio = discover("x", gateway).istio();
        assertTrue(istio.installed());
        assertEquals(List.of("172.18.255.203"), istio.ingressGatewayIps());
        assertFalse(istio.virtualServicePresent());
        String virtualService = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: echo, namespace: netpaths}
                """;
        assertTrue(discover("x", gateway, virtualService).istio().virtualServicePresent());
        assertTrue(discover("x", crd(ClusterSnapshot.VIRTUAL_SERVICE_CRD)).istio().installed(),
                "the CRD alone says Istio is installed");
    }

    @Test
    void noGatewayObjectsAndNoCrdMeansGatewayApiAbsent() {
        assertFalse(discover("x").gatewayApi().installed());
        assertTrue(discover("x", crd(ClusterSnapshot.GATEWAY_CRD)).gatewayApi().installed());
    }

    @Test
    void referenceGrantsOfEitherServedVersionCount() {
        for (String version : List.of("v1", "v1beta1")) {
            assertTrue(discover("x", """
                    apiVersion: gateway.networking.k8s.io/%s
                    kind: ReferenceGrant
                    metadata: {name: grant, namespace: netpaths-other}
                    """.formatted(version)).gatewayApi().referenceGrantPresent(), version);
        }
        assertFalse(discover("x").gatewayApi().referenceGrantPresent());
    }

    static String crd(String name) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %s}
                """.formatted(name);
    }
}

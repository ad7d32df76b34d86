package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery against objects shaped like a real kind/k3d cluster's (no lab ConfigMap). */
class RealClusterDiscoveryTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        Discovery.customResources().forEach(rdc -> server.expectCustomResource(
                new io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext.Builder()
                        .withGroup(rdc.getGroup()).withVersion(rdc.getVersion()).withKind(rdc.getKind())
                        .withPlural(rdc.getPlural()).withScope("Namespaced").build()));
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    void daemonSet(String namespace, String name) {
        client.apps().daemonSets().inNamespace(namespace).resource(new DaemonSetBuilder().withNewMetadata()
                .withName(name).withNamespace(namespace).endMetadata().build()).create();
    }

    @Test
    void calicoNodeDaemonSetMeansCalicoEnforcingPolicy() {
        daemonSet("kube-system", "kube-proxy");
        daemonSet("calico-system", "calico-node");
        Topology.Cni cni = new Discovery(client).discover("kind-netpaths").cni();
        assertEquals("calico", cni.name());
        assertEquals(Boolean.TRUE, cni.enforcesNetworkPolicy());
        assertEquals("DaemonSet calico-system/calico-node", cni.detectedFrom());
    }

    @Test
    void flannelDaemonSetMeansPolicyIsNotEnforced() {
        daemonSet("kube-flannel", "kube-flannel-ds");
        Topology.Cni cni = new Discovery(client).discover("kind-netpaths").cni();
        assertEquals("flannel", cni.name());
        assertEquals(Boolean.FALSE, cni.enforcesNetworkPolicy());
    }

    @Test
    void weaveIsRecognisedAndAnUnknownCniStaysUnknown() {
        assertEquals("unknown", new Discovery(client).discover("x").cni().name());
        assertNull(new Discovery(client).discover("x").cni().enforcesNetworkPolicy());
        daemonSet("kube-system", "weave-net");
        assertEquals("weave", new Discovery(client).discover("x").cni().name());
    }

    @Test
    void clusterNameComesFromTheEchoPodsEnvironmentElseTheContext() {
        assertEquals("kind-netpaths", new Discovery(client).discover("kind-netpaths").cluster());
        client.pods().inNamespace("netpaths").resource(new PodBuilder().withNewMetadata().withName("echo-1")
                .withNamespace("netpaths").withLabels(Map.of("app.kubernetes.io/name", "echo-service")).endMetadata()
                .withNewSpec().addNewContainer().withName("echo").addNewEnv().withName("CLUSTER_NAME")
                .withValue("netpaths-b").endEnv().endContainer().endSpec().build()).create();
        Topology t = new Discovery(client).discover("kind-netpaths");
        assertEquals("netpaths-b", t.cluster());
        assertEquals("kubernetes", t.platform());
        assertFalse(t.pods().get(0).ready(), "a pod without a Ready condition and IP is not ready");
    }

    @Test
    void istioIsFoundByItsIngressGatewayServiceAndVirtualService() {
        assertFalse(new Discovery(client).discover("x").istio().installed());
        client.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata()
                .withName("istio-ingressgateway").withNamespace("istio-system").endMetadata().withNewSpec()
                .withType("LoadBalancer").addNewPort().withName("http2").withPort(80).endPort().endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("172.18.255.203").endIngress()
                .endLoadBalancer().endStatus().build()).create();
        client.services().inNamespace("istio-system").withName("istio-ingressgateway")
                .editStatus(s -> s.edit().withNewStatus().withNewLoadBalancer().addNewIngress()
                        .withIp("172.18.255.203").endIngress().endLoadBalancer().endStatus().build());
        Topology.Istio istio = new Discovery(client).discover("x").istio();
        assertTrue(istio.installed());
        assertEquals(List.of("172.18.255.203"), istio.ingressGatewayIps());
        assertFalse(istio.virtualServicePresent());
        client.genericKubernetesResources(Discovery.VIRTUAL_SERVICES).inNamespace("netpaths")
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
                        .withKind("VirtualService").withNewMetadata().withName("echo").withNamespace("netpaths")
                        .endMetadata().build()).create();
        assertTrue(new Discovery(client).discover("x").istio().virtualServicePresent());
    }

    @Test
    void noGatewayObjectsAndNoCrdMeansGatewayApiAbsent() {
        assertFalse(new Discovery(client).discover("x").gatewayApi().installed());
    }
}

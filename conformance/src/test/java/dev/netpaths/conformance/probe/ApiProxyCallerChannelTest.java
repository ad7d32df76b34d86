package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.support.FakeServers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real-cluster channel goes through the API server's pod proxy path with the client's credentials. */
class ApiProxyCallerChannelTest {

    static final Topology.Pod CALLER = new Topology.Pod("netpaths", "caller-x", "node-a", "10.244.1.5", "172.18.0.3",
            Map.of(), true);
    static final String PROXY = "/api/v1/namespaces/netpaths/pods/caller-x:8080/proxy";

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void callGoesToThePodProxyPathWithTheEncodedQuery() throws ProbeException {
        CallRequest request = new CallRequest("http://echo:8080/echo", 2, 1000, Map.of());
        server.expect().get().withPath(PROXY + "/call?" + request.query())
                .andReturn(200, "{\"attempts\":[" + FakeServers.servedAttempt("echo-a", "netpaths", "v1", "10.244.1.5")
                        + "]}").once();
        Observation o = new ApiProxyCallerChannel(client).call(CALLER, request);
        assertEquals("echo-a", o.attempts().get(0).served().pod());
    }

    @Test
    void resolveGoesToThePodProxyToo() throws ProbeException {
        server.expect().get().withPath(PROXY + "/resolve?name=echo-headless")
                .andReturn(200, "{\"name\":\"echo-headless\",\"addresses\":[\"10.244.1.3\",\"10.244.2.3\"],"
                        + "\"error\":null}").once();
        Observation o = new ApiProxyCallerChannel(client).resolve(CALLER, "echo-headless");
        assertEquals(java.util.List.of("10.244.1.3", "10.244.2.3"), o.resolved());
    }

    @Test
    void aProxyRefusalIsAHarnessProblemWithTheApiServersAnswer() {
        server.expect().get().withPath(PROXY + "/resolve?name=echo")
                .andReturn(403, "pods \"caller-x\" is forbidden: cannot get resource pods/proxy").once();
        ProbeException e = assertThrows(ProbeException.class,
                () -> new ApiProxyCallerChannel(client).resolve(CALLER, "echo"));
        assertEquals(ErrorKind.HTTP_STATUS, e.kind());
        assertTrue(e.getMessage().contains("answered 403"), e.getMessage());
    }
}

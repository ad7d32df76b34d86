package dev.netpaths.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void downwardApiVariablesWin() {
        Map<String, String> env = Map.of("SERVICE_NAME", "echo-service", "SERVICE_VERSION", "v2",
                "POD_NAME", "echo-v2-abc", "POD_NAMESPACE", "netpaths", "NODE_NAME", "netpaths-worker",
                "POD_IP", "10.244.1.3", "HOST_IP", "172.18.0.3", "CLUSTER_NAME", "netpaths");

        Identity identity = Identity.fromEnvironment(env, "artifact", () -> "my-host", () -> "192.0.2.1");

        assertEquals(new Identity("echo-service", "v2", "echo-v2-abc", "netpaths", "netpaths-worker",
                "10.244.1.3", "172.18.0.3", "netpaths"), identity);
    }

    @Test
    void outsideAClusterEveryFieldFallsBackAsDocumented() {
        Identity identity = Identity.fromEnvironment(Map.of(), "artifact", () -> "my-host", () -> "192.0.2.1");

        assertEquals(new Identity("artifact", "v1", "my-host", "default", "my-host", "192.0.2.1", "192.0.2.1",
                "local"), identity);
    }

    @Test
    void blankVariablesCountAsUnset() {
        Identity identity = Identity.fromEnvironment(Map.of("POD_NAME", "  ", "CLUSTER_NAME", ""), "artifact",
                () -> "my-host", () -> "192.0.2.1");

        assertEquals("my-host", identity.pod());
        assertEquals("local", identity.cluster());
    }

    @Test
    void currentUsesTheGivenServiceNameUnlessSet() {
        Identity identity = Identity.current("some-service");

        String fromEnv = System.getenv("SERVICE_NAME");
        assertEquals(fromEnv == null || fromEnv.isBlank() ? "some-service" : fromEnv.trim(), identity.service());
        assertNotNull(identity.pod());
        assertNotNull(identity.podIp());
    }

    @Test
    void localHostNeverAnswersBlank() {
        assertFalse(LocalHost.hostname().isBlank());
        assertFalse(LocalHost.firstNonLoopbackIpv4().isBlank());
    }
}

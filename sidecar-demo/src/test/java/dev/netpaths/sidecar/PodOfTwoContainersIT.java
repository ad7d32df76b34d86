package dev.netpaths.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.netpaths.testsupport.PackagedApp;

/**
 * The pod of docs/architecture.md on this machine: the packaged jar twice (the sidecar role without Quarkus), the
 * sidecar on 127.0.0.1 and the app on all addresses, configured exactly as the manifest configures the two
 * containers. The last test takes the sidecar away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class PodOfTwoContainersIT {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private PackagedApp sidecar;
    private PackagedApp app;

    @BeforeAll
    void startThePod() throws Exception {
        sidecar = PackagedApp.start(Map.of("NETPATHS_SIDECAR_ROLE", "sidecar", "NETPATHS_SIDECAR_LISTEN",
                "127.0.0.1:0", "POD_NAME", "demo-pod"));
        app = PackagedApp.start(Map.of("NETPATHS_SIDECAR_ROLE", "app", "POD_NAME", "demo-pod",
                "NETPATHS_SIDECAR_URL", "http://localhost:" + sidecar.port()));
    }

    @AfterAll
    void stopThePod() throws InterruptedException {
        app.close();
        sidecar.close();
    }

    @Test
    @Order(1)
    void roundtripCrossesLoopbackBetweenTwoProcessesOfOnePod() throws Exception {
        JsonNode roundtrip = getJson(app, "/roundtrip", 200);

        assertTrue(roundtrip.get("samePod").asBoolean(), roundtrip.toString());
        assertEquals(roundtrip.at("/app/hostname"), roundtrip.at("/sidecar/hostname"));
        assertEquals(roundtrip.at("/app/podIp"), roundtrip.at("/sidecar/podIp"));
        assertEquals("demo-pod", roundtrip.at("/sidecar/pod").asText());
        assertEquals(sidecar.process().pid(), roundtrip.at("/sidecar/pid").asLong());
        assertEquals(app.process().pid(), roundtrip.at("/app/pid").asLong());
        assertEquals("127.0.0.1", roundtrip.at("/sidecar/peerSeen").asText());
        assertEquals("127.0.0.1:" + roundtrip.at("/sidecar/peerPort").asInt(),
                roundtrip.at("/connection/local").asText(), "the sidecar saw the app's end of the connection");
        assertEquals("127.0.0.1:" + sidecar.port(), roundtrip.at("/connection/remote").asText());
    }

    @Test
    @Order(2)
    void appReadinessIncludesTheSidecarAndTheSidecarsDoesNot() throws Exception {
        assertEquals("UP", check(getJson(app, "/q/health/ready", 200), "sidecar").orElseThrow());
        assertEquals(Optional.empty(), check(getJson(sidecar, "/q/health/ready", 200), "sidecar"));
    }

    @Test
    @Order(3)
    void theSidecarCannotBeReachedFromOutsideThePod() throws Exception {
        Optional<InetAddress> external = nonLoopbackIpv4();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try from");

        assertThrows(ConnectException.class, () -> connect(external.get(), sidecar.port()),
                "the sidecar accepted a connection on " + external.get().getHostAddress());
        // The control: the app, listening on all addresses, is reachable there.
        connect(external.get(), app.port());
    }

    @Test
    @Order(4)
    void theSidecarRefusesToListenBeyondLoopback() throws Exception {
        try (PackagedApp exposed = PackagedApp.launch(Map.of("NETPATHS_SIDECAR_ROLE", "sidecar",
                "NETPATHS_SIDECAR_LISTEN", "0.0.0.0:0"))) {
            assertTrue(exposed.waitForExit(Duration.ofSeconds(30)), "a sidecar on 0.0.0.0 kept running");
            assertNotEquals(0, exposed.process().exitValue());
            assertTrue(exposed.output().contains("role sidecar must listen on loopback only"), exposed.output());
        }
    }

    @Test
    @Order(5)
    void withoutItsSidecarTheAppAnswers502AndLeavesTheService() throws Exception {
        sidecar.sigterm();
        assertTrue(sidecar.waitForExit(Duration.ofSeconds(20)), sidecar.output());

        JsonNode error = getJson(app, "/roundtrip", 502);
        assertEquals("Bad Gateway", error.get("error").asText());
        assertTrue(error.get("reason").asText().startsWith("sidecar http://localhost:" + sidecar.port()
                + "/enrich not reachable"), error.toString());
        assertEquals("DOWN", check(getJson(app, "/q/health/ready", 503), "sidecar").orElseThrow());
        getJson(app, "/q/health/live", 200);
    }

    private JsonNode getJson(PackagedApp target, String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(target.uri(path))
                .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), path + ": " + response.body());
        return mapper.readTree(response.body());
    }

    private static Optional<String> check(JsonNode health, String name) {
        for (JsonNode check : health.get("checks")) {
            if (name.equals(check.get("name").asText())) {
                return Optional.of(check.get("status").asText());
            }
        }
        return Optional.empty();
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) TimeUnit.SECONDS.toMillis(2));
        }
    }

    private static Optional<InetAddress> nonLoopbackIpv4() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(PodOfTwoContainersIT::isUpAndNotLoopback)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }

    private static boolean isUpAndNotLoopback(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp() && !networkInterface.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}

package dev.netpaths.sidecar;

import dev.netpaths.wire.Roundtrip.ContainerView;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyIterable;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.restassured.specification.RequestSpecification;

import dev.netpaths.wire.LocalHost;

/** The sidecar role's server, bound to loopback as in the pod, over real sockets. */
class LoopbackSidecarTest {

    private final ContainerView self = new ContainerView("demo-pod", "10.244.1.7", "demo-host", 42);
    private LoopbackSidecar sidecar;

    @BeforeEach
    void start() throws IOException {
        sidecar = LoopbackSidecar.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), self);
    }

    @AfterEach
    void stop() {
        sidecar.kill();
    }

    private RequestSpecification sidecar() {
        return given().baseUri("http://127.0.0.1").port(sidecar.port());
    }

    @Test
    void enrichReportsThisContainerAndThePeerItSaw() {
        String stamp = sidecar().when().get("/enrich")
                .then().statusCode(200).contentType("application/json")
                .body("pod", is("demo-pod"))
                .body("hostname", is("demo-host"))
                .body("podIp", is("10.244.1.7"))
                .body("pid", is(42))
                .body("peerSeen", is("127.0.0.1"))
                .body("peerPort", greaterThan(0))
                .body("stamp", is("enriched-by demo-host/42"))
                .extract().path("stamp");

        sidecar().when().get("/enrich").then().header(LoopbackSidecar.STAMP_HEADER, stamp);
    }

    @Test
    void enrichEscapesWhatItEchoes() {
        sidecar.kill();
        try {
            sidecar = LoopbackSidecar.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new ContainerView("a\"b\\c", null, LocalHost.hostname(), 1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        sidecar().when().get("/enrich").then().statusCode(200).body("pod", is("a\"b\\c")).body("podIp", is((Object) null));
    }

    @Test
    void healthAnswersInSmallRyesShape() {
        for (String path : new String[] {"/q/health", "/q/health/live", "/q/health/ready"}) {
            sidecar().when().get(path).then().statusCode(200).contentType("application/json")
                    .body("status", is("UP")).body("checks", emptyIterable());
        }
    }

    @Test
    void theAppsEndpointAndEverythingElseIs404WithTheReason() {
        for (String path : new String[] {"/roundtrip", "/", "/enrich/x", "/enrichment", "/q/metrics"}) {
            sidecar().when().get(path)
                    .then().statusCode(404).contentType("application/json")
                    .body("error", is("Not Found"))
                    .body("reason", containsString("role sidecar, which serves only GET /enrich"));
        }
    }

    @Test
    void otherMethodsAre405() {
        sidecar().when().post("/enrich")
                .then().statusCode(405).header("Allow", "GET").contentType("application/json")
                .body("error", is("Method Not Allowed"))
                .body("reason", is("POST /enrich is not served: use GET"));
    }

    @Test
    void refusesToListenBeyondLoopback() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> LoopbackSidecar.start(new InetSocketAddress("0.0.0.0", 0), self));
        assertEquals("role sidecar must listen on loopback only, but NETPATHS_SIDECAR_LISTEN is 0.0.0.0:0: set"
                + " NETPATHS_SIDECAR_LISTEN=127.0.0.1:9090", refused.getMessage());
    }

    @Test
    void closeStopsListening() {
        int port = sidecar.port();
        sidecar.close();
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void listenValuesAreParsedOrRefusedWithTheReason() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9090), LoopbackSidecar.parseListen("127.0.0.1:9090"));
        assertEquals(new InetSocketAddress("::1", 9091), LoopbackSidecar.parseListen(" [::1]:9091 "));
        assertTrue(LoopbackSidecar.parseListen("localhost:9090").getAddress().isLoopbackAddress());

        assertEquals("NETPATHS_SIDECAR_LISTEN must be host:port, like 127.0.0.1:9090, not '9090'",
                assertThrows(IllegalArgumentException.class, () -> LoopbackSidecar.parseListen("9090")).getMessage());
        assertEquals("NETPATHS_SIDECAR_LISTEN must be host:port, like 127.0.0.1:9090, not ''",
                assertThrows(IllegalArgumentException.class, () -> LoopbackSidecar.parseListen(null)).getMessage());
        assertEquals("NETPATHS_SIDECAR_LISTEN has no valid port (0-65535) in '127.0.0.1:http'",
                assertThrows(IllegalArgumentException.class,
                        () -> LoopbackSidecar.parseListen("127.0.0.1:http")).getMessage());
        assertEquals("NETPATHS_SIDECAR_LISTEN has no valid port (0-65535) in '127.0.0.1:70000'",
                assertThrows(IllegalArgumentException.class,
                        () -> LoopbackSidecar.parseListen("127.0.0.1:70000")).getMessage());
        assertEquals("NETPATHS_SIDECAR_LISTEN names a host that does not resolve: 'no-such-host.invalid'",
                assertThrows(IllegalArgumentException.class,
                        () -> LoopbackSidecar.parseListen("no-such-host.invalid:9090")).getMessage());
    }

    @Test
    void theRoleIsAppUnlessSaidOtherwiseAndTheSystemPropertyWins() {
        assertEquals(SidecarDemoMain.Role.APP, SidecarDemoMain.role(null, null));
        assertEquals(SidecarDemoMain.Role.SIDECAR, SidecarDemoMain.role(null, "sidecar"));
        assertEquals(SidecarDemoMain.Role.SIDECAR, SidecarDemoMain.role(null, " SIDECAR "));
        assertEquals(SidecarDemoMain.Role.APP, SidecarDemoMain.role("app", "sidecar"));
        assertEquals("NETPATHS_SIDECAR_ROLE must be app or sidecar, not 'proxy'",
                assertThrows(IllegalArgumentException.class, () -> SidecarDemoMain.role(null, "proxy")).getMessage());
    }
}

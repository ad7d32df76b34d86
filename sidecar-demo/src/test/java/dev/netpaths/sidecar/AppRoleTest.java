package dev.netpaths.sidecar;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.netpaths.wire.LocalHost;

/** Role app (the default) against a real loopback server in the sidecar's place ({@link LocalSidecarServer}). */
@QuarkusTest
@QuarkusTestResource(LocalSidecarServer.class)
class AppRoleTest {

    @Test
    void roundtripShowsBothEndsOfOneLoopbackConnection() {
        JsonPath roundtrip = given().when().get("/roundtrip")
                .then().statusCode(200).contentType("application/json")
                .body("samePod", is(true))
                .body("latencyMs", greaterThan(0f))
                .body("sidecarUrl", is("http://localhost:" + LocalSidecarServer.port() + "/enrich"))
                .body("app.hostname", is(LocalHost.hostname()))
                .body("app.podIp", is(LocalHost.firstNonLoopbackIpv4()))
                .body("app.pid", is((int) ProcessHandle.current().pid()))
                .body("sidecar.hostname", is(LocalHost.hostname()))
                .body("sidecar.peerSeen", is("127.0.0.1"))
                .body("connection.remote", is("127.0.0.1:" + LocalSidecarServer.port()))
                .extract().jsonPath();

        assertEquals(roundtrip.getString("connection.local"), "127.0.0.1:" + roundtrip.getInt("sidecar.peerPort"),
                "the sidecar saw the app's end of the connection");
    }

    @Test
    void everyRoundtripOpensANewConnection() {
        int first = given().get("/roundtrip").then().statusCode(200).extract().path("sidecar.peerPort");
        int second = given().get("/roundtrip").then().statusCode(200).extract().path("sidecar.peerPort");

        assertNotEquals(first, second);
    }

    @Test
    void readinessIncludesTheSidecarAndLivenessDoesNot() {
        given().when().get("/q/health/ready")
                .then().statusCode(200).body("checks.name", hasItem("sidecar"));
        given().when().get("/q/health/live")
                .then().statusCode(200).body("checks.name", not(hasItem("sidecar")));
    }

    @Test
    void withoutItsSidecarTheAppAnswers502AndIsNotReady() {
        LocalSidecarServer.stopSidecar();
        try {
            given().when().get("/roundtrip")
                    .then().statusCode(502).contentType("application/json")
                    .body("error", is("Bad Gateway"))
                    .body("reason", containsString("sidecar http://localhost:" + LocalSidecarServer.port()
                            + "/enrich not reachable"));
            given().when().get("/q/health/ready")
                    .then().statusCode(503).body("checks.find { it.name == 'sidecar' }.status", is("DOWN"));
            given().when().get("/q/health/live").then().statusCode(200);
        } finally {
            LocalSidecarServer.startSidecar();
        }
    }

    @Test
    void theSidecarsEndpointIsNotServedByTheApp() {
        given().when().get("/enrich")
                .then().statusCode(404).contentType("application/json")
                .body("error", is("Not Found"))
                .body("reason", containsString("role app"));
    }

    @Test
    void metricsAreServed() {
        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200).body(containsString("# TYPE"));
    }
}

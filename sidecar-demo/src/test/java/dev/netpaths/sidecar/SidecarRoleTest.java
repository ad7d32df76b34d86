package dev.netpaths.sidecar;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.netpaths.identity.LocalHost;

/** Role sidecar, bound to loopback as in the pod. */
@QuarkusTest
@TestProfile(SidecarRoleTest.SidecarRole.class)
class SidecarRoleTest {

    public static class SidecarRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("netpaths.sidecar.role", "sidecar", "quarkus.http.host", "127.0.0.1");
        }
    }

    @Test
    void enrichReportsThisContainerAndThePeerItSaw() {
        String stamp = given().when().get("/enrich")
                .then().statusCode(200).contentType("application/json")
                .body("hostname", is(LocalHost.hostname()))
                .body("podIp", is(LocalHost.firstNonLoopbackIpv4()))
                .body("pid", is((int) ProcessHandle.current().pid()))
                .body("peerSeen", is("127.0.0.1"))
                .body("peerPort", greaterThan(0))
                .body("stamp", is("enriched-by " + LocalHost.hostname() + "/" + ProcessHandle.current().pid()))
                .extract().path("stamp");

        given().when().get("/enrich").then().header(SidecarRoutes.STAMP_HEADER, stamp);
    }

    @Test
    void theAppsEndpointIsNotServedByTheSidecar() {
        given().when().get("/roundtrip")
                .then().statusCode(404).contentType("application/json")
                .body("error", is("Not Found"))
                .body("reason", containsString("role sidecar"));
    }

    @Test
    void readinessDoesNotDependOnAnotherSidecar() {
        given().when().get("/q/health/ready")
                .then().statusCode(200).body("status", is("UP")).body("checks.name", not(hasItem("sidecar")));
    }
}

package dev.netpaths.caller;

import dev.netpaths.testsupport.TcpFixtures;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.testsupport.TcpFixtures.RawServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A caller with a token and a narrow allowlist: only 127.0.0.1, or names under allowed.test. */
@QuarkusTest
@TestProfile(LockedDownTest.LockedDown.class)
@WithTestResource(TestNetwork.class)
class LockedDownTest {
    private static final String TOKEN = "s3cret-token";

    public static class LockedDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("netpaths.caller.token", TOKEN,
                    "netpaths.caller.allowed-cidrs", "127.0.0.1/32",
                    "netpaths.caller.allowed-domains", "allowed.test");
        }
    }

    @Test
    void theApiRequiresTheBearerToken() {
        for (String path : new String[] {"/call", "/resolve"}) {
            given().queryParam("url", "http://127.0.0.1/").queryParam("name", "echo")
                    .when().get(path)
                    .then().statusCode(401).contentType(ContentType.JSON).header("WWW-Authenticate", "Bearer")
                    .body("error", is("unauthorized")).body("reason", containsString("Bearer <token> is required"));
            given().header("Authorization", "Bearer wrong").queryParam("url", "http://127.0.0.1/").queryParam("name", "echo")
                    .when().get(path)
                    .then().statusCode(401).body("reason", is("the bearer token does not match"));
        }
        given().header("Authorization", "Bearer " + TOKEN).queryParam("name", "echo")
                .when().get("/resolve")
                .then().statusCode(200).body("matchedName", is("echo.netpaths.svc.cluster.local"));
    }

    @Test
    void healthStaysOpenForKubeletProbes() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void anAddressOutsideTheAllowlistIsRefusedBeforeAnyConnection() throws IOException {
        try (RawServer outside = new RawServer("127.0.0.2", TcpFixtures.replies("HTTP/1.1 200 OK\r\n\r\n"))) {
            given().header("Authorization", "Bearer " + TOKEN)
                    .queryParam("url", "http://127.0.0.2:" + outside.port() + "/").queryParam("tries", 3)
                    .when().get("/call")
                    .then().statusCode(403).body("error", is("forbidden_target"))
                    .body("reason", containsString("127.0.0.2 is outside netpaths.caller.allowed-cidrs"));
            assertEquals(0, outside.accepted.get(), "refused before connecting");
        }
    }

    @Test
    void aNameInAnAllowedDomainIsAllowedOutsideTheCidrs() {
        // target.allowed.test -> 127.0.0.2 (hosts file): not in 127.0.0.1/32, but allowed.test is allowed.
        try (EchoHttpServer server = EchoHttpServer.start("echo-allowed", "127.0.0.2")) {
            given().header("Authorization", "Bearer " + TOKEN)
                    .queryParam("url", "http://target.allowed.test:" + server.port() + "/")
                    .when().get("/call")
                    .then().statusCode(200).body("attempts[0].served.pod", is("echo-allowed"))
                    .body("attempts[0].clientIpSeen", is("127.0.0.1"));
        }
    }
}

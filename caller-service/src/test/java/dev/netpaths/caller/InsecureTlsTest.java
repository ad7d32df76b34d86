package dev.netpaths.caller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the explicit opt-in, a self-signed https target is probed like any other (rejected by default). */
@QuarkusTest
@TestProfile(InsecureTlsTest.InsecureTls.class)
@WithTestResource(TestNetwork.class)
class InsecureTlsTest {

    public static class InsecureTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("netpaths.caller.insecure-tls", "true");
        }
    }

    @Test
    void httpsAttemptsReportTheHandshakeAndWhoServed() throws Exception {
        try (EchoHttpServer server = EchoHttpServer.startTls("echo-tls", SelfSignedTls.context())) {
            given().queryParam("url", "https://127.0.0.1:" + server.port() + "/echo").queryParam("tries", 2)
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("protocol", is("https"))
                    .body("attempts[0].ok", is(true)).body("attempts[0].tlsMs", notNullValue())
                    .body("attempts[0].served.pod", is("echo-tls")).body("summary.ok", is(2));
        }
    }
}

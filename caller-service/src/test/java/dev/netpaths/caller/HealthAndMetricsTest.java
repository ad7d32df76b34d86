package dev.netpaths.caller;

import dev.netpaths.testsupport.TcpFixtures;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestNetwork.class)
class HealthAndMetricsTest {

    @Test
    void healthEndpointsAreUp() {
        for (String probe : new String[] {"live", "ready", "started"}) {
            given().when().get("/q/health/" + probe).then().statusCode(200).body("status", is("UP"));
        }
    }

    @Test
    void attemptsAreCountedByProtocolAndOutcome() throws IOException {
        given().queryParam("url", "http://127.0.0.1:" + TcpFixtures.closedPort() + "/")
                .when().get("/call").then().statusCode(200);
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("netpaths_caller_attempts_total{outcome=\"REFUSED\",protocol=\"http\"}"));
    }
}

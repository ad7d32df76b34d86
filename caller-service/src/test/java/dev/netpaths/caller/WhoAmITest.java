package dev.netpaths.caller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestNetwork.class)
class WhoAmITest {

    @Test
    void whoamiNamesThisCallerAndTheTcpPeer() {
        given().when().get("/whoami").then().statusCode(200)
                .body("service", is("caller-service"))
                .body("pod", notNullValue())
                .body("request.clientIp", is("127.0.0.1"))
                .body("request.clientPort", notNullValue());
    }

    /** The hairpin shape: a caller calling itself; /call reads its own identity back as the one who served. */
    @Test
    void callToOwnWhoamiReportsThisCallerAsServer() {
        String self = given().when().get("/whoami").then().statusCode(200).extract().path("pod");
        given().queryParam("url", "http://127.0.0.1:" + RestAssured.port + "/whoami").queryParam("tries", "2")
                .when().get("/call").then().statusCode(200)
                .body("summary.ok", is(2))
                .body("attempts[0].served.pod", is(self))
                .body("attempts[0].served.service", is("caller-service"))
                .body("attempts[0].clientIpSeen", is("127.0.0.1"))
                .body("summary.distinctBackends", is(1));
    }
}

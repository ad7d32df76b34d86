package dev.netpaths.caller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prober is never an open proxy: every refusal is a 4xx JSON {"error", "reason"} and comes before any
 * connection. Forbidden addresses here are never contacted: the refusal happens after DNS, before connect.
 */
@QuarkusTest
@WithTestResource(TestNetwork.class)
class RefusalTest {

    private static ValidatableResponse refused(Map<String, ?> query, int status, String error) {
        return given().queryParams(query)
                .when().get("/call")
                .then().statusCode(status).contentType(ContentType.JSON).body("error", is(error));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/_GET", "jar:file:/x!/y"})
    void schemesOtherThanHttpHttpsAndUdpAreRejected(String url) {
        refused(Map.of("url", url), 400, "bad_request").body("reason", containsString("scheme must be http, https or udp"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
            "http://[fe80::1]:8080/", "udp://169.254.169.253:53", "http://[::ffff:169.254.169.254]/"})
    void linkLocalAndMetadataAddressesAreAlwaysRefused(String url) {
        refused(Map.of("url", url), 403, "forbidden_target").body("reason", containsString("always refused"));
    }

    @Test
    void aNameResolvingToTheMetadataAddressIsRefusedEvenInAnAllowedDomain() {
        // metadata.internal.cluster.local -> 169.254.169.254 in the test hosts file; cluster.local is allowed.
        refused(Map.of("url", "http://metadata.internal.cluster.local/"), 403, "forbidden_target")
                .body("reason", containsString("metadata.internal.cluster.local -> 169.254.169.254"));
    }

    @Test
    void aPublicAddressOutsideTheAllowlistIsRefused() {
        // 203.0.113.0/24 is TEST-NET-3: documentation only, never routed.
        refused(Map.of("url", "http://203.0.113.7/"), 403, "forbidden_target")
                .body("reason", containsString("203.0.113.7 is outside netpaths.caller.allowed-cidrs"));
    }

    @Test
    void aRedirectToTheMetadataAddressIsRefusedNotFollowed() {
        try (EchoHttpServer server = EchoHttpServer.start("echo-a")) {
            refused(Map.of("url", server.url("/redirect?to=http://169.254.169.254/latest/meta-data/"),
                    "followRedirects", "true"), 403, "forbidden_target")
                    .body("reason", containsString("redirect to http://169.254.169.254/latest/meta-data/ refused"));
            assertEquals(1, server.requests.get());
        }
    }

    @Test
    void aRedirectToAnotherSchemeIsRefused() {
        try (EchoHttpServer server = EchoHttpServer.start("echo-a")) {
            refused(Map.of("url", server.url("/redirect?to=file:///etc/passwd"), "followRedirects", "true"),
                    403, "forbidden_target").body("reason", containsString("redirect to file"));
        }
    }

    @Test
    void triesAndTimeoutAreCapped() {
        refused(Map.of("url", "http://127.0.0.1/", "tries", "101"), 400, "bad_request")
                .body("reason", is("tries must be between 1 and 100, got 101"));
        refused(Map.of("url", "http://127.0.0.1/", "tries", "0"), 400, "bad_request")
                .body("reason", containsString("tries must be between 1 and 100"));
        refused(Map.of("url", "http://127.0.0.1/", "tries", "3", "stopAfterFailures", "4"), 400, "bad_request")
                .body("reason", is("stopAfterFailures must be between 1 and tries (3), got 4"));
        refused(Map.of("url", "http://127.0.0.1/", "tries", "3", "stopAfterFailures", "0"), 400, "bad_request")
                .body("reason", is("stopAfterFailures must be between 1 and tries (3), got 0"));
        refused(Map.of("url", "http://127.0.0.1/", "stopAfterFailures", "some"), 400, "bad_request")
                .body("reason", is("stopAfterFailures must be a whole number, got: some"));
        refused(Map.of("url", "http://127.0.0.1/", "timeoutMs", "10001"), 400, "bad_request")
                .body("reason", is("timeoutMs must be between 1 and 10000, got 10001"));
    }

    @Test
    void malformedInputIsABadRequestNamingTheProblem() {
        refused(Map.of(), 400, "bad_request").body("reason", is("url is required"));
        refused(Map.of("url", "http://127.0.0.1/", "tries", "three"), 400, "bad_request")
                .body("reason", is("tries must be a whole number, got: three"));
        refused(Map.of("url", "http://127.0.0.1/", "timeoutMs", "1.5"), 400, "bad_request")
                .body("reason", containsString("timeoutMs must be a whole number"));
        refused(Map.of("url", "http://127.0.0.1/", "header", "NoColonHere"), 400, "bad_request")
                .body("reason", containsString("header must be Name:Value"));
        refused(Map.of("url", "http://127.0.0.1/", "header", "X-A:1\r\nX-Injected: 2"), 400, "bad_request")
                .body("reason", is("invalid value for header X-A"));
        refused(Map.of("url", "http://127.0.0.1/", "header", "Connection:keep-alive"), 400, "bad_request")
                .body("reason", containsString("set by the caller itself"));
        refused(Map.of("url", "udp://127.0.0.1"), 400, "bad_request").body("reason", containsString("needs a port"));
        refused(Map.of("url", "http://user:secret@127.0.0.1/"), 400, "bad_request")
                .body("reason", containsString("user info"));
        refused(Map.of("url", "not a url"), 400, "bad_request");
    }

    @Test
    void malformedPostBodiesAreBadRequests() {
        given().contentType(ContentType.JSON).body("{\"url\": ")
                .when().post("/call")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", is("bad_request"));
        given().contentType(ContentType.JSON).body("{\"url\": \"http://127.0.0.1/\", \"tries\": \"many\"}")
                .when().post("/call")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", is("bad_request"));
        given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1/", "tries", 500))
                .when().post("/call")
                .then().statusCode(400).body("reason", is("tries must be between 1 and 100, got 500"));
    }
}

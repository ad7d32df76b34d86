package dev.netpaths.caller;

import dev.netpaths.testsupport.TcpFixtures;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.netpaths.testsupport.TcpFixtures.Balancer;
import dev.netpaths.testsupport.TcpFixtures.RawServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Successful HTTP probes: who served, what the path looked like, how bodies are framed and capped. */
@QuarkusTest
@WithTestResource(TestNetwork.class)
class HttpCallTest {
    private static EchoHttpServer a;
    private static EchoHttpServer b;
    private static EchoHttpServer c;

    @BeforeAll
    static void startBackends() {
        a = EchoHttpServer.start("echo-a");
        b = EchoHttpServer.start("echo-b");
        c = EchoHttpServer.start("echo-c");
    }

    @AfterAll
    static void stopBackends() {
        a.close();
        b.close();
        c.close();
    }

    @Test
    void shortServiceNameResolvesThroughSearchDomainsAndReportsWhoServed() {
        // "echo" becomes echo.netpaths.svc.cluster.local -> 127.0.0.1 in the test DNS, as in a pod.
        given().queryParam("url", "http://echo:" + a.port() + "/echo").queryParam("tries", 2)
                .when().get("/call")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("protocol", is("http")).body("host", is("echo")).body("port", is(a.port())).body("tries", is(2))
                .body("resolved", contains("127.0.0.1"))
                .body("attempts", hasSize(2))
                .body("attempts[0].attempt", is(1)).body("attempts[1].attempt", is(2))
                .body("attempts[0].ok", is(true)).body("attempts[0].status", is(200))
                .body("attempts[0].served.pod", is("echo-a")).body("attempts[0].served.service", is("echo-service"))
                .body("attempts[0].served.namespace", is("netpaths")).body("attempts[0].served.podIp", is("127.0.0.1"))
                .body("attempts[0].clientIpSeen", is("127.0.0.1"))
                .body("attempts[0].remoteAddress", is("127.0.0.1:" + a.port()))
                .body("attempts[0].localAddress", startsWith("127.0.0.1:"))
                .body("attempts[0].dnsMs", notNullValue()).body("attempts[0].connectMs", notNullValue())
                .body("attempts[0].firstByteMs", notNullValue()).body("attempts[0].latencyMs", notNullValue())
                .body("attempts[0].tlsMs", nullValue())
                .body("attempts[0].body", nullValue()).body("attempts[0].error", nullValue())
                .body("attempts[0].responseHeaders.content-type", contains("application/json"))
                .body("summary.ok", is(2)).body("summary.failed", is(0))
                .body("summary.distinctBackends", is(1)).body("summary.backends.echo-a", is(2))
                .body("summary.latencyMs.min", notNullValue()).body("summary.latencyMs.p99", notNullValue())
                .body("summary.errors.size()", is(0));
    }

    @Test
    void everyAttemptOpensANewConnectionSoAPerConnectionBalancerShowsEveryBackend() throws IOException {
        try (Balancer balancer = new Balancer(List.of(a.port(), b.port(), c.port()))) {
            given().queryParam("url", "http://127.0.0.1:" + balancer.port() + "/").queryParam("tries", 6)
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("summary.ok", is(6)).body("summary.distinctBackends", is(3))
                    .body("summary.backends", equalTo(Map.of("echo-a", 2, "echo-b", 2, "echo-c", 2)));
            assertEquals(6, balancer.accepted.get(), "one connection per attempt");
        }
    }

    @Test
    void postSendsMethodHeadersAndBodyToTheTarget() {
        given().contentType(ContentType.JSON)
                .body(Map.of("url", a.url("/echo?x=1"), "method", "put", "body", "hello",
                        "headers", Map.of("X-Netpaths", "yes", "Host", "ingress.netpaths.test")))
                .when().post("/call")
                .then().statusCode(200).body("attempts[0].ok", is(true)).body("attempts[0].served.pod", is("echo-a"));
        Map<String, Object> seen = a.lastRequest;
        assertEquals("PUT", seen.get("method"));
        assertEquals("hello", seen.get("body"));
        assertEquals("x=1", seen.get("query"));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> headers = (Map<String, List<String>>) seen.get("headers");
        assertEquals(List.of("yes"), headers.get("x-netpaths"));
        assertEquals(List.of("ingress.netpaths.test"), headers.get("host"));
        assertEquals(List.of("close"), headers.get("connection"));
    }

    @Test
    void repeatedHeaderQueryParametersAreAllSent() {
        given().queryParam("url", a.url("/")).queryParam("header", "X-One:1").queryParam("header", "X-Two: 2")
                .when().get("/call")
                .then().statusCode(200).body("attempts[0].ok", is(true));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> headers = (Map<String, List<String>>) a.lastRequest.get("headers");
        assertEquals(List.of("1"), headers.get("x-one"));
        assertEquals(List.of("2"), headers.get("x-two"));
    }

    @Test
    void statusesFromFourHundredUpAreHttpStatusFailures() {
        for (int status : new int[] {404, 500}) {
            given().queryParam("url", a.url("/status/" + status)).queryParam("tries", 2)
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("attempts[0].ok", is(false)).body("attempts[0].status", is(status))
                    .body("attempts[0].error.kind", is("HTTP_STATUS"))
                    .body("attempts[0].body", is("status"))
                    .body("summary.ok", is(0)).body("summary.failed", is(2)).body("summary.errors.HTTP_STATUS", is(2))
                    .body("summary.latencyMs.max", notNullValue());
        }
    }

    @Test
    void aBodyThatIsNotEchoJsonIsReturnedAsText() {
        given().queryParam("url", a.url("/text"))
                .when().get("/call")
                .then().statusCode(200)
                .body("attempts[0].ok", is(true)).body("attempts[0].served", nullValue())
                .body("attempts[0].body", is("hello from echo-a")).body("summary.distinctBackends", is(0));
    }

    @Test
    void bodiesAreCappedAtMaxResponseBytesWhateverTheFraming() {
        for (String query : new String[] {"", "?chunked"}) {
            given().queryParam("url", a.url("/bytes/100000" + query))
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("attempts[0].ok", is(true))
                    .body("attempts[0].body.length()", is(65536)).body("attempts[0].bodyTruncated", is(true));
        }
        given().queryParam("url", a.url("/bytes/65536?chunked"))
                .when().get("/call")
                .then().statusCode(200)
                .body("attempts[0].body.length()", is(65536)).body("attempts[0].bodyTruncated", is(false));
    }

    @Test
    void aBodyWithoutLengthIsReadToEndOfStream() throws IOException {
        try (RawServer server = new RawServer(TcpFixtures.replies("HTTP/1.0 200 OK\r\nX-Kind: eof\r\n\r\nuntil close"))) {
            given().queryParam("url", "http://127.0.0.1:" + server.port() + "/")
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("attempts[0].ok", is(true)).body("attempts[0].body", is("until close"))
                    .body("attempts[0].responseHeaders.x-kind", contains("eof"));
        }
    }

    @Test
    void chunkExtensionsAndInterimResponsesAreHandled() throws IOException {
        String response = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        try (RawServer server = new RawServer(TcpFixtures.replies(response))) {
            given().queryParam("url", "http://127.0.0.1:" + server.port() + "/")
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("attempts[0].status", is(201)).body("attempts[0].body", is("hello world"));
        }
    }

    @Test
    void manySmallChunksAreABodyNotOversizedHeaders() throws IOException {
        // 30000 one-byte chunks: 90 KB of chunk-size lines, more than the 64 KiB allowed for headers.
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "1\r\nx\r\n".repeat(30000) + "0\r\n\r\n";
        try (RawServer server = new RawServer(TcpFixtures.replies(response))) {
            given().queryParam("url", "http://127.0.0.1:" + server.port() + "/")
                    .when().get("/call")
                    .then().statusCode(200)
                    .body("attempts[0].ok", is(true))
                    .body("attempts[0].body.length()", is(30000)).body("attempts[0].bodyTruncated", is(false));
        }
    }

    @Test
    void redirectsAreReportedButNotFollowedUnlessAsked() {
        int before = b.requests.get();
        given().queryParam("url", a.url("/redirect?to=" + b.url("/")))
                .when().get("/call")
                .then().statusCode(200)
                .body("attempts[0].ok", is(true)).body("attempts[0].status", is(302))
                .body("attempts[0].responseHeaders.location", contains(b.url("/")))
                .body("attempts[0].redirects", hasSize(0));
        assertEquals(before, b.requests.get());
    }

    @Test
    void redirectsAreFollowedWhenAskedWithoutCarryingCredentialsToAnotherOrigin() {
        given().queryParam("url", a.url("/redirect?to=" + b.url("/echo")))
                .queryParam("followRedirects", "true").queryParam("header", "Authorization:Bearer for-a-only")
                .when().get("/call")
                .then().statusCode(200)
                .body("attempts[0].ok", is(true)).body("attempts[0].status", is(200))
                .body("attempts[0].served.pod", is("echo-b"))
                .body("attempts[0].redirects", contains(b.url("/echo")))
                .body("attempts[0].remoteAddress", is("127.0.0.1:" + b.port()));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> headers = (Map<String, List<String>>) b.lastRequest.get("headers");
        assertNull(headers.get("authorization"));
    }

    @Test
    void aRedirectLoopStopsAtTheCap() {
        int before = a.requests.get();
        given().queryParam("url", a.url("/loop")).queryParam("followRedirects", "true")
                .when().get("/call")
                .then().statusCode(200)
                .body("attempts[0].ok", is(false)).body("attempts[0].status", is(307))
                .body("attempts[0].error.kind", is("PROTOCOL"))
                .body("attempts[0].error.message", is("more than 5 redirects"))
                .body("attempts[0].redirects", hasSize(5));
        assertEquals(before + 6, a.requests.get(), "the first request and five redirects");
    }
}

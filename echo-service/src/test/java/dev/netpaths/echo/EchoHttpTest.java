package dev.netpaths.echo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.netpaths.wire.LocalHost;

/** The HTTP API over real loopback connections; the identity comes from the variables set in pom.xml. */
@QuarkusTest
class EchoHttpTest {

    @TestHTTPResource("/")
    URL server;

    @Test
    void echoReportsWhoAnsweredAndTheRequestAsReceived() {
        given().header("User-Agent", "netpaths-test").header("X-Test", "one")
                .when().get("/echo?a=1&b=2")
                .then().statusCode(200).contentType("application/json")
                .body("service", is("echo-service"))
                .body("version", is("v1"))
                .body("pod", is("echo-test-pod"))
                .body("namespace", is("netpaths-test"))
                .body("node", is("test-node"))
                .body("podIp", is("10.244.1.3"))
                .body("hostIp", is(LocalHost.firstNonLoopbackIpv4()))
                .body("cluster", is("local"))
                .body("request.method", is("GET"))
                .body("request.path", is("/echo"))
                .body("request.query", is("a=1&b=2"))
                .body("request.host", is("localhost:" + server.getPort()))
                .body("request.headers.'user-agent'", equalTo(List.of("netpaths-test")))
                .body("request.headers.'x-test'", equalTo(List.of("one")))
                .body("request.body", is(""))
                .body("request.bodyBytes", is(0))
                .body("request.bodyTruncated", is(false))
                .body("request.clientIp", is("127.0.0.1"))
                .body("request.clientPort", greaterThan(0))
                .body("request.xForwardedFor", nullValue())
                .body("request.forwarded", nullValue())
                .body("request.xRealIp", nullValue());
    }

    @ParameterizedTest
    @CsvSource({ "GET,/", "POST,/v1/echo", "PUT,/v2/anything/deeper", "DELETE,/split/x", "PATCH,/other",
            "OPTIONS,/echo", "GET,/status", "GET,/status/200/extra", "GET,/q", "GET,/hostnames" })
    void anyMethodOnAnyOtherPathIsEchoed(String method, String path) {
        given().when().request(method, path)
                .then().statusCode(200)
                .body("pod", is("echo-test-pod"))
                .body("request.method", is(method))
                .body("request.path", is(path));
    }

    @Test
    void headIsAnsweredWithoutBody() {
        given().when().head("/v1/echo").then().statusCode(200).body(emptyString());
    }

    @Test
    void forwardingHeadersAreEchoedButTheClientIpIsTheTcpPeer() {
        given().header("X-Forwarded-For", "203.0.113.7").header("X-Forwarded-For", "10.0.0.1")
                .header("Forwarded", "for=203.0.113.7;proto=http").header("X-Real-IP", "203.0.113.7")
                .when().get("/echo")
                .then().statusCode(200)
                .body("request.xForwardedFor", is("203.0.113.7, 10.0.0.1"))
                .body("request.forwarded", is("for=203.0.113.7;proto=http"))
                .body("request.xRealIp", is("203.0.113.7"))
                .body("request.clientIp", is("127.0.0.1"));
    }

    @Test
    void bodyIsEchoedWithItsSize() {
        given().body("hello netpaths").when().post("/echo")
                .then().statusCode(200)
                .body("request.body", is("hello netpaths"))
                .body("request.bodyBytes", is(14))
                .body("request.bodyTruncated", is(false));
    }

    @Test
    void bodyBeyondTheCapIsCountedButTruncated() {
        int cap = 65536;
        String body = "a".repeat(cap) + "b".repeat(1000);

        given().body(body).when().put("/anything")
                .then().statusCode(200)
                .body("request.body", is("a".repeat(cap)))
                .body("request.bodyBytes", is(cap + 1000))
                .body("request.bodyTruncated", is(true));
    }

    @Test
    void hostnameIsThePodNameAsText() {
        given().when().get("/hostname")
                .then().statusCode(200).contentType(containsString("text/plain")).body(is("echo-test-pod"));
    }

    @Test
    void clientIpIsTheTcpPeerOfThisVeryConnection() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            String response = exchange(socket, "GET /clientip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertEquals("127.0.0.1:" + socket.getLocalPort(), bodyOf(response));
        }
    }

    @Test
    void echoClientPortIsTheTcpPeerPortOfThisVeryConnection() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            String response = exchange(socket, "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertTrue(bodyOf(response).contains("\"clientPort\":" + socket.getLocalPort() + ","),
                    response);
        }
    }

    @Test
    void aClientWaitingForContinueIsToldToSendItsBody() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));

            assertEquals("HTTP/1.1 100 Continue", in.readLine());
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String rest = in.lines().collect(Collectors.joining("\n"));
            assertTrue(rest.contains("\"body\":\"hello\",\"bodyBytes\":5"), rest);
        }
    }

    @Test
    void headersAreReturnedAsJsonListsUnderLowerCaseNames() {
        given().header("X-Multi", "a").header("X-Multi", "b").header("X-Single", "c")
                .when().get("/headers")
                .then().statusCode(200).contentType("application/json")
                .body("'x-multi'", equalTo(List.of("a", "b")))
                .body("'x-single'", equalTo(List.of("c")))
                .body("'host'", equalTo(List.of("localhost:" + server.getPort())));
    }

    @ParameterizedTest
    @ValueSource(ints = { 200, 201, 302, 404, 418, 500, 503, 599 })
    void statusAnswersWithThatCodeAndSaysWhoAnswered(int code) {
        given().redirects().follow(false).when().get("/status/" + code)
                .then().statusCode(code).body("pod", is("echo-test-pod")).body("request.path", is("/status/" + code));
    }

    @Test
    void statusWithoutContentHasNoBody() {
        given().when().get("/status/204").then().statusCode(204).body(emptyString());
    }

    @Test
    void informationalStatusIsSentAndTheConnectionClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            // A keep-alive request: only the server closing the connection ends the read.
            String response = exchange(socket, "GET /status/102 HTTP/1.1\r\nHost: x\r\n\r\n");

            assertTrue(response.startsWith("HTTP/1.1 102 "), response);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "99", "600", "-200", "abc", "1.5", "99999999999", "2e2" })
    void statusOutsideTheRangeIsABadRequest(String code) {
        badRequest("/status/" + code).body("reason", is("code must be an integer from 100 to 599, got '" + code + "'"));
    }

    @Test
    void delayAnswersAfterTheDelay() {
        long start = System.nanoTime();

        given().when().get("/delay/300").then().statusCode(200).body("pod", is("echo-test-pod"));

        assertTrue((System.nanoTime() - start) / 1_000_000 >= 300, "answered before 300 ms");
    }

    @Test
    void zeroDelayAnswersAtOnce() {
        given().when().get("/delay/0").then().statusCode(200).time(lessThan(1000L))
                .body("request.path", is("/delay/0"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "-1", "10001", "abc", "1.5", "99999999999" })
    void delayOutsideTheRangeIsABadRequest(String millis) {
        badRequest("/delay/" + millis)
                .body("reason", is("ms must be an integer from 0 to 10000, got '" + millis + "'"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/health/live", "/q/health/ready", "/q/health/started" })
    void healthChecksAreNotSwallowedByTheCatchAll(String path) {
        given().when().get(path).then().statusCode(200).body("status", is("UP")).body("pod", nullValue());
    }

    @Test
    void prometheusMetricsAreNotSwallowedByTheCatchAll() {
        given().when().get("/echo").then().statusCode(200);

        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200).contentType(startsWith("text/plain"))
                .body(containsString("# TYPE http_server_requests_seconds summary"))
                .body(not(containsString("echo-test-pod")));
    }

    @Test
    void theJvmsGaugesAreScrapedWithoutListeningToEveryCollection() {
        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes{"))
                .body(containsString("jvm_threads_live_threads "))
                .body(containsString("jvm_classes_loaded_classes "))
                // JvmGcMetrics and JvmHeapPressureMetrics: each subscribes to the JVM's GC notifications
                .body(not(containsString("jvm_gc_")));
    }

    @Test
    void echoedPathsShareOneMetricsSeries() {
        given().when().get("/unique/1").then().statusCode(200);
        given().when().get("/unique/2").then().statusCode(200);

        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("uri=\"/{path}\""))
                .body(containsString("uri=\"/status/{code}\""))
                .body(not(containsString("/unique/")));
    }

    @Test
    void requestsAreTimedPerRouteMethodAndStatus() {
        given().when().get("/status/418").then().statusCode(418);

        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\","
                        + "status=\"418\",uri=\"/status/{code}\""))
                .body(containsString("http_server_active_requests "));
    }

    @Test
    void aClientLeavingDuringADelayIsNoLongerActive() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            // a delay long enough that a loaded machine's polls still see it active (300 ms once ended unseen)
            socket.getOutputStream().write("GET /delay/3000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> activeRequests() == 1);
        }

        // Every other test's request has been answered: nothing is left active, nothing counted twice.
        await().atMost(Duration.ofSeconds(10)).until(() -> activeRequests() == 0);
    }

    @Test
    void unknownMethodsShareOneMetricsSeries() {
        given().when().request("BREW", "/coffee").then().statusCode(200).body("request.method", is("BREW"));

        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("method=\"OTHER\""))
                .body(not(containsString("BREW")));
    }

    @Test
    void manyDistinctPathsAndMethodsAddNoMetricsSeries() {
        // Every series these requests can fall in exists before counting: echoed GET and non-standard method.
        given().when().get("/seed").then().statusCode(200);
        given().when().request("SEED", "/seed").then().statusCode(200);
        requestSeries(); // the scrape's own series, in case no earlier test scraped
        long before = requestSeries();

        for (int i = 0; i < 200; i++) {
            given().when().get("/scan/" + i + "/x" + i + "?q=" + i).then().statusCode(200);
            given().when().request("M" + i, "/scan-" + i).then().statusCode(200).body("request.method", is("M" + i));
        }

        assertEquals(before, requestSeries(), "400 requests on 400 paths with 201 methods added metrics series");
    }

    /** The number of http_server_requests_seconds series (one _count line each). */
    private static long requestSeries() {
        String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        return metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")).count();
    }

    /**
     * Requests not answered yet, this scrape left out: Quarkus's binder counts every request from its start,
     * the scrape reading the gauge included (the gauge is tagged with the server port).
     */
    private static double activeRequests() {
        String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        Matcher matcher = Pattern.compile("(?m)^http_server_active_requests(?:\\{[^}]*})? (\\S+)").matcher(metrics);
        assertTrue(matcher.find(), metrics);
        return Double.parseDouble(matcher.group(1)) - 1;
    }

    private static ValidatableResponse badRequest(String path) {
        return given().when().get(path)
                .then().statusCode(400).contentType("application/json")
                .body("error", is("Bad Request"))
                .body("reason", not(emptyString()))
                .body(not(containsString("Exception")));
    }

    private static String exchange(Socket socket, String request) throws IOException {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String bodyOf(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}

package dev.netpaths.caller;

import dev.netpaths.testsupport.TcpFixtures;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.testsupport.TcpFixtures.FullBacklog;
import dev.netpaths.testsupport.TcpFixtures.RawServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Each way an attempt can fail, produced for real on loopback, and the kind it is reported as. */
@QuarkusTest
@WithTestResource(TestNetwork.class)
class FailureKindsTest {

    private static ValidatableResponse call(String url, int tries, int timeoutMs) {
        return given().queryParam("url", url).queryParam("tries", tries).queryParam("timeoutMs", timeoutMs)
                .when().get("/call")
                .then().statusCode(200);
    }

    @Test
    void aClosedPortIsRefused() throws IOException {
        call("http://127.0.0.1:" + TcpFixtures.closedPort() + "/", 2, 1000)
                .body("attempts[0].ok", is(false)).body("attempts[0].error.kind", is("REFUSED"))
                .body("attempts[0].status", nullValue()).body("attempts[0].connectMs", nullValue())
                .body("summary.failed", is(2)).body("summary.errors.REFUSED", is(2))
                .body("summary.latencyMs", nullValue());
    }

    @Test
    void aServerThatNeverAnswersIsAReadTimeoutBoundedByTimeoutMs() throws IOException {
        try (RawServer server = new RawServer(TcpFixtures.SILENT)) {
            call("http://127.0.0.1:" + server.port() + "/", 2, 300)
                    .body("attempts[0].error.kind", is("READ_TIMEOUT"))
                    .body("attempts[0].connectMs", notNullValue()).body("attempts[0].firstByteMs", nullValue())
                    .body("attempts[0].latencyMs", greaterThanOrEqualTo(290f))
                    .body("attempts[0].latencyMs", lessThan(3000f))
                    .body("summary.errors.READ_TIMEOUT", is(2));
            assertEquals(2, server.accepted.get(), "each attempt on its own connection");
        }
    }

    @Test
    void aListenerWithAFullAcceptQueueIsAConnectTimeout() throws IOException {
        try (FullBacklog backlog = new FullBacklog()) {
            call("http://127.0.0.1:" + backlog.port() + "/", 1, 300)
                    .body("attempts[0].error.kind", is("CONNECT_TIMEOUT"))
                    .body("attempts[0].connectMs", nullValue())
                    .body("attempts[0].latencyMs", greaterThanOrEqualTo(290f));
        }
    }

    @Test
    void aConnectionAbortedWithRstIsAReset() throws IOException {
        try (RawServer server = new RawServer(TcpFixtures.RESETS)) {
            call("http://127.0.0.1:" + server.port() + "/", 1, 2000)
                    .body("attempts[0].error.kind", is("RESET"));
        }
    }

    @Test
    void aConnectionClosedBeforeAnyResponseIsAProtocolError() throws IOException {
        try (RawServer server = new RawServer(TcpFixtures.replies(""))) {
            call("http://127.0.0.1:" + server.port() + "/", 1, 2000)
                    .body("attempts[0].error.kind", is("PROTOCOL"))
                    .body("attempts[0].error.message", containsString("before a response"));
        }
    }

    @Test
    void aResponseThatIsNotHttpIsAProtocolError() throws IOException {
        try (RawServer server = new RawServer(TcpFixtures.speaksFirst("SSH-2.0-OpenSSH_9.6\r\n"))) {
            call("http://127.0.0.1:" + server.port() + "/", 1, 2000)
                    .body("attempts[0].error.kind", is("PROTOCOL"))
                    .body("attempts[0].error.message", containsString("not an HTTP/1.x status line"));
        }
    }

    @Test
    void httpsToAPlainHttpServerIsATlsFailure() throws IOException {
        try (RawServer server = new RawServer(TcpFixtures.speaksFirst("HTTP/1.1 400 Bad Request\r\n\r\n"))) {
            call("https://127.0.0.1:" + server.port() + "/", 1, 2000)
                    .body("attempts[0].error.kind", is("TLS")).body("attempts[0].status", nullValue());
        }
    }

    @Test
    void aSelfSignedCertificateIsRejectedByDefault() throws Exception {
        try (EchoHttpServer server = EchoHttpServer.startTls("echo-tls", SelfSignedTls.context())) {
            call("https://127.0.0.1:" + server.port() + "/", 1, 5000)
                    .body("attempts[0].error.kind", is("TLS"))
                    .body("attempts[0].error.message", containsString("PKIX"));
            assertEquals(0, server.requests.get(), "no request is sent over an untrusted connection");
        }
    }

    @Test
    void anUnknownNameIsADnsFailureAnsweredWithoutWaitingOutTheBudget() {
        // NXDOMAIN for all four search-list candidates: "no address", not "no answer within" the 2000 ms budget.
        call("http://no-such-service:8080/", 2, 5000)
                .body("resolved.size()", is(0))
                .body("attempts[0].error.kind", is("DNS_FAILURE"))
                .body("attempts[0].error.message", is("no address for no-such-service"))
                .body("attempts[0].dnsMs", lessThan(2000f)).body("attempts[0].remoteAddress", nullValue())
                .body("summary.errors.DNS_FAILURE", is(2));
    }

    @Test
    void aNameNoServerCouldAnswerIsADnsTimeoutNotANoSuchName() {
        // SERVFAIL for the only candidate: DNS gave no definite answer, so this is not DNS_FAILURE.
        call("http://" + TestNetwork.SERVFAIL_NAME + ":8080/", 1, 2000)
                .body("attempts[0].error.kind", is("DNS_TIMEOUT"))
                .body("attempts[0].error.message", containsString("no address for " + TestNetwork.SERVFAIL_NAME));
    }

    @Test
    void aNameserverThatNeverAnswersIsADnsTimeoutCostingNoMoreThanTheAttemptTimeout() {
        // Not DNS_FAILURE: a cluster whose DNS is down must not pass for one where the name does not exist.
        call("http://" + TestNetwork.SILENT_NAME + ":8080/", 1, 300)
                .body("attempts[0].error.kind", is("DNS_TIMEOUT"))
                .body("attempts[0].error.message", containsString("no answer within 300 ms"))
                .body("attempts[0].dnsMs", greaterThanOrEqualTo(250f))
                .body("attempts[0].dnsMs", lessThan(2000f)); // well under the configured 2000 ms DNS budget
    }

    @Test
    void udpEchoRepliesShowWhoServedAndTheClientAddress() {
        try (UdpFixtures echo = UdpFixtures.echo("echo-udp")) {
            call("udp://echo:" + echo.port(), 3, 1000)
                    .body("protocol", is("udp"))
                    .body("attempts[0].ok", is(true)).body("attempts[0].status", nullValue())
                    .body("attempts[0].served.pod", is("echo-udp")).body("attempts[0].clientIpSeen", is("127.0.0.1"))
                    .body("attempts[0].remoteAddress", is("127.0.0.1:" + echo.port()))
                    .body("attempts[0].localAddress", startsWith("127.0.0.1:"))
                    .body("attempts[0].firstByteMs", notNullValue())
                    .body("summary.ok", is(3)).body("summary.backends.echo-udp", is(3))
                    .body("summary.latencyMs.p50", notNullValue());
        }
    }

    @Test
    void udpWithoutAReplyIsAReadTimeout() {
        try (UdpFixtures silent = UdpFixtures.silent()) {
            call("udp://127.0.0.1:" + silent.port(), 1, 300)
                    .body("attempts[0].ok", is(false)).body("attempts[0].error.kind", is("READ_TIMEOUT"))
                    .body("summary.latencyMs", nullValue());
        }
    }

    @Test
    void udpToAClosedPortIsRefused() throws IOException {
        call("udp://127.0.0.1:" + UdpFixtures.closedPort(), 1, 1000)
                .body("attempts[0].error.kind", is("REFUSED"));
    }

    private static ValidatableResponse call(String url, int tries, int timeoutMs, int stopAfterFailures) {
        return given().queryParam("url", url).queryParam("tries", tries).queryParam("timeoutMs", timeoutMs)
                .queryParam("stopAfterFailures", stopAfterFailures)
                .when().get("/call")
                .then().statusCode(200);
    }

    @Test
    void aCallWhoseFirstTriesAllFailStopsAfterStopAfterFailures() {
        try (UdpFixtures silent = UdpFixtures.silent()) {
            call("udp://127.0.0.1:" + silent.port(), 10, 200, 3)
                    .body("tries", is(10)).body("attempts.size()", is(3))
                    .body("attempts[2].attempt", is(3)).body("summary.failed", is(3))
                    .body("summary.errors.READ_TIMEOUT", is(3));
        }
    }

    @Test
    void aCallThatWasAnsweredOnceMakesEveryTryDespiteStopAfterFailures() {
        try (UdpFixtures first = UdpFixtures.echoFirst("echo-once", 1)) {
            call("udp://127.0.0.1:" + first.port(), 5, 200, 2)
                    .body("attempts.size()", is(5)).body("attempts[0].ok", is(true))
                    .body("summary.ok", is(1)).body("summary.failed", is(4))
                    .body("summary.errors.READ_TIMEOUT", is(4));
        }
    }

    @Test
    void aCallThatIsAnsweredIgnoresStopAfterFailures() {
        try (UdpFixtures echo = UdpFixtures.echo("echo-udp")) {
            call("udp://127.0.0.1:" + echo.port(), 4, 1000, 1)
                    .body("attempts.size()", is(4)).body("summary.ok", is(4));
        }
    }
}

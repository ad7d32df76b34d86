package dev.netpaths.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.netpaths.testsupport.TcpFixtures.RESETS;
import static dev.netpaths.testsupport.TcpFixtures.answers;
import static dev.netpaths.testsupport.TcpFixtures.closedPort;
import static dev.netpaths.testsupport.TcpFixtures.speaksFirst;

import dev.netpaths.testsupport.TcpFixtures.FullBacklog;
import dev.netpaths.testsupport.TcpFixtures.RawServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * The one-shot client against raw loopback servers (test-support's TcpFixtures, shared with caller-service) that
 * write exactly the bytes each case needs: framing
 * (Content-Length, chunked, close-delimited), the phase clocks, the body cap, and every error kind produced by a
 * real failure (refused, connect timeout, read timeout, reset, TLS, protocol).
 */
class OneShotHttpTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final long HOLD_MILLIS = 1500;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static OneShotHttp.Result get(int port, String path, List<Map.Entry<String, String>> headers,
                                          Duration timeout) {
        List<Map.Entry<String, String>> all = new ArrayList<>();
        all.add(Map.entry("Host", "127.0.0.1:" + port));
        all.addAll(headers);
        return OneShotHttp.exchange(new InetSocketAddress(LOOPBACK, port),
                OneShotHttp.Request.of("GET", path, all, null), null, timeout, 1 << 20);
    }

    private static OneShotHttp.Result get(int port) {
        return get(port, "/", List.of(), TIMEOUT);
    }

    @Test
    void sendsOneRequestWithTheHeadersInOrderAndConnectionClose() throws Exception {
        try (RawServer server = new RawServer(answers(out -> out.write(ascii(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))))) {
            OneShotHttp.Result r = OneShotHttp.exchange(new InetSocketAddress(LOOPBACK, server.port()),
                    OneShotHttp.Request.of("GET", "/v1/echo?x=1", List.of(Map.entry("Host", "ingress.netpaths.test"),
                            Map.entry("X-A", "1"), Map.entry("X-A", "2")), null), null, TIMEOUT, 1024);
            assertNull(r.error());
            assertEquals(200, r.status());
            assertEquals("{}", r.bodyText());
            assertEquals("127.0.0.1", r.localIp());
            assertEquals("GET /v1/echo?x=1 HTTP/1.1\r\nHost: ingress.netpaths.test\r\nX-A: 1\r\nX-A: 2\r\n"
                    + "Connection: close\r\n\r\n", server.requests().get(0));
        }
    }

    @Test
    void aBodySendsItsLength() throws Exception {
        try (RawServer server = new RawServer(answers(out -> out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n"))))) {
            OneShotHttp.Result r = OneShotHttp.exchange(new InetSocketAddress(LOOPBACK, server.port()),
                    OneShotHttp.Request.of("POST", "/", List.of(Map.entry("Host", "h")), ascii("hello")),
                    null, TIMEOUT, 1024);
            assertEquals(204, r.status());
            assertArrayEquals(new byte[0], r.body());
            assertTrue(server.requests().get(0).contains("\r\nContent-Length: 5\r\n"), server.requests().get(0));
        }
    }

    @Test
    void aContentLengthBodyEndsAtItsLastByteNotAtTheClose() throws Exception {
        try (RawServer server = new RawServer(answers(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n"));
            out.flush();
            pause(100);
            out.write(ascii("{\"pod\":\"a\"}"));
            out.flush();
            pause(HOLD_MILLIS);
        }))) {
            long start = System.nanoTime();
            OneShotHttp.Result r = get(server.port());
            long wall = System.nanoTime() - start;
            assertEquals("{\"pod\":\"a\"}", r.bodyText());
            assertEquals("application/json", r.header("Content-Type"), "names are matched without case");
            assertTrue(r.totalNanos() >= Duration.ofMillis(100).toNanos(), "the clock covers the wait for the body");
            assertTrue(wall < Duration.ofMillis(HOLD_MILLIS).toNanos(), "returned at the last byte, not at the close");
        }
    }

    /** The pause between the first and the last body bytes, long beside a loaded machine's scheduling delays. */
    private static final long BODY_GAP_MILLIS = 800;

    @Test
    void thePhaseClocksAreConnectThenFirstByteThenTotal() throws Exception {
        try (RawServer server = new RawServer(answers(out -> {
            pause(150);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"));
            out.flush();
            pause(BODY_GAP_MILLIS);
            out.write(ascii("cd"));
        }))) {
            OneShotHttp.Result r = get(server.port());
            assertEquals("abcd", r.bodyText());
            assertTrue(r.connectNanos() >= 0, r.toString());
            assertEquals(-1, r.tlsNanos(), "no TLS phase on plain HTTP");
            assertTrue(r.firstByteNanos() >= Duration.ofMillis(150).toNanos(), "the server waited before answering");
            // what is left of the total after connect and first byte is the body's gap, less however late this
            // thread saw the first byte (a loaded machine once took 300 ms): half the gap separates a first-byte
            // clock from one that stopped at the last byte (which would leave about nothing)
            assertTrue(r.totalNanos() - r.connectNanos() - r.firstByteNanos() >= Duration.ofMillis(BODY_GAP_MILLIS / 2).toNanos(),
                    "the first byte, not the last, and a total over the whole body: " + r);
            assertEquals(OneShotHttp.Result.millis(r.totalNanos()), Math.round(r.totalNanos() / 10_000.0) / 100.0);
            assertNull(OneShotHttp.Result.millis(-1));
        }
    }

    @Test
    void aChunkedBodyIsDecodedAndEndsAtTheLastChunk() throws Exception {
        try (RawServer server = new RawServer(answers(out -> {
            out.write(ascii("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n8;ext=1\r\ndefault \r\n"));
            out.flush();
            pause(50);
            out.write(ascii("D\r\nbackend - 404\r\n0\r\nx-trailer: 1\r\n\r\n"));
            out.flush();
            pause(HOLD_MILLIS);
        }))) {
            long start = System.nanoTime();
            OneShotHttp.Result r = get(server.port());
            assertNull(r.error(), "an HTTP error status is an answer, not a failure");
            assertEquals(404, r.status());
            assertEquals("default backend - 404", r.bodyText());
            assertTrue(System.nanoTime() - start < Duration.ofMillis(HOLD_MILLIS).toNanos(),
                    "returned at the last chunk, not at the close");
        }
    }

    @Test
    void aBodyWithoutLengthOrChunksEndsWhenTheServerCloses() throws Exception {
        try (RawServer server = new RawServer(answers(out -> {
            out.write(ascii("HTTP/1.0 200 OK\r\n\r\nfirst "));
            out.flush();
            pause(50);
            out.write(ascii("second"));
        }))) {
            assertEquals("first second", get(server.port()).bodyText());
        }
    }

    @Test
    void anInterimResponseIsSkipped() throws Exception {
        try (RawServer server = new RawServer(answers(out -> out.write(ascii(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))))) {
            OneShotHttp.Result r = get(server.port());
            assertEquals(200, r.status());
            assertEquals("ok", r.bodyText());
        }
    }

    @Test
    void aBodyIsCappedAndMarkedTruncated() throws Exception {
        byte[] big = new byte[64 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        try (RawServer server = new RawServer(answers(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n"));
            out.write(big);
        }))) {
            OneShotHttp.Result r = OneShotHttp.exchange(new InetSocketAddress(LOOPBACK, server.port()),
                    OneShotHttp.Request.of("GET", "/", List.of(Map.entry("Host", "h")), null), null, TIMEOUT, 1000);
            assertNull(r.error());
            assertEquals(1000, r.body().length);
            assertTrue(r.bodyTruncated());
        }
    }

    @Test
    void aClosedPortIsRefused() throws Exception {
        OneShotHttp.Result r = get(closedPort());
        assertEquals(ErrorKind.REFUSED, r.error().kind(), r.toString());
        assertNull(r.status());
        assertEquals(-1, r.connectNanos(), "never connected");
    }

    @Test
    void aFullAcceptQueueIsAConnectTimeoutBoundedByTheTimeout() throws Exception {
        try (FullBacklog backlog = new FullBacklog()) {
            long start = System.nanoTime();
            OneShotHttp.Result r = get(backlog.port(), "/", List.of(), Duration.ofMillis(300));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorKind.CONNECT_TIMEOUT, r.error().kind(), r.toString());
            assertTrue(tookMs >= 250 && tookMs < 2000, "bounded by the timeout: " + tookMs + " ms");
        }
    }

    @Test
    void aServerThatNeverAnswersIsAReadTimeoutBoundedByTheTimeout() throws Exception {
        try (RawServer server = new RawServer(answers(out -> pause(3000)))) {
            long start = System.nanoTime();
            OneShotHttp.Result r = get(server.port(), "/", List.of(), Duration.ofMillis(300));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorKind.READ_TIMEOUT, r.error().kind());
            assertNotNull(r.local(), "connected: the failure keeps the phases before it");
            assertTrue(r.connectNanos() >= 0);
            assertTrue(tookMs >= 250 && tookMs < 2000, "bounded by the timeout: " + tookMs + " ms");
        }
    }

    @Test
    void aBodyThatStallsIsAReadTimeoutAtTheDeadlineNotPerRead() throws Exception {
        try (RawServer server = new RawServer(answers(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
            for (int i = 0; i < 20; i++) { // one byte every 100 ms: each read alone would be in time
                out.write('x');
                out.flush();
                pause(100);
            }
        }))) {
            long start = System.nanoTime();
            OneShotHttp.Result r = get(server.port(), "/", List.of(), Duration.ofMillis(600));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorKind.READ_TIMEOUT, r.error().kind(), r.toString());
            assertEquals(200, r.status(), "the head had arrived");
            assertTrue(tookMs < 1500, "one deadline for the whole exchange: " + tookMs + " ms");
        }
    }

    @Test
    void aResetConnectionIsAReset() throws Exception {
        try (RawServer server = new RawServer(RESETS)) {
            OneShotHttp.Result r = get(server.port());
            assertEquals(ErrorKind.RESET, r.error().kind(), r.error().message());
        }
    }

    @Test
    void aPlainServerAnsweringATlsClientIsTls() throws Exception {
        try (RawServer server = new RawServer(speaksFirst("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))) {
            OneShotHttp.Result r = OneShotHttp.exchange(new InetSocketAddress(LOOPBACK, server.port()),
                    OneShotHttp.Request.of("GET", "/", List.of(Map.entry("Host", "h")), null),
                    new OneShotHttp.Tls((SSLSocketFactory) SSLSocketFactory.getDefault(), "localhost", true),
                    TIMEOUT, 1024);
            assertEquals(ErrorKind.TLS, r.error().kind(), r.error().message());
            assertTrue(r.connectNanos() >= 0, "the TCP connect succeeded");
            assertNull(r.status());
        }
    }

    @Test
    void aCloseBeforeAnyAnswerIsAProtocolError() throws Exception {
        try (RawServer server = new RawServer(answers(out -> { }))) {
            OneShotHttp.Result r = get(server.port());
            assertEquals(ErrorKind.PROTOCOL, r.error().kind());
            assertEquals("connection closed before a response", r.error().message());
        }
    }

    @Test
    void somethingOtherThanHttpIsAProtocolErrorAsSoonAsItsFirstLineIsIn() throws Exception {
        try (RawServer server = new RawServer(answers(out -> {
            out.write(ascii("SSH-2.0-OpenSSH_9.2\r\n"));
            out.flush();
            pause(HOLD_MILLIS);
        }))) {
            long start = System.nanoTime();
            OneShotHttp.Result r = get(server.port());
            assertEquals(ErrorKind.PROTOCOL, r.error().kind());
            assertEquals("not an HTTP/1.x status line: SSH-2.0-OpenSSH_9.2", r.error().message());
            assertTrue(System.nanoTime() - start < Duration.ofMillis(HOLD_MILLIS).toNanos());
        }
    }

    @Test
    void aChunkedBodyCutShortIsAProtocolError() throws Exception {
        try (RawServer server = new RawServer(answers(out -> out.write(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly-part"))))) {
            OneShotHttp.Result r = get(server.port());
            assertEquals(ErrorKind.PROTOCOL, r.error().kind(), r.error().message());
        }
    }

    @Test
    void aContentLengthBodyCutShortIsAProtocolError() throws Exception {
        try (RawServer server = new RawServer(answers(out -> out.write(ascii(
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))))) {
            OneShotHttp.Result r = get(server.port());
            assertEquals(ErrorKind.PROTOCOL, r.error().kind());
            assertEquals("connection closed 5 bytes before the end of the body", r.error().message());
        }
    }

    @Test
    void aBadChunkSizeIsAProtocolError() throws Exception {
        try (RawServer server = new RawServer(answers(out -> out.write(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n"))))) {
            OneShotHttp.Result r = get(server.port());
            assertEquals(ErrorKind.PROTOCOL, r.error().kind());
            assertEquals("bad chunk size: zz", r.error().message());
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

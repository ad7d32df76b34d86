package dev.netpaths.conformance.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host probe's HTTP client against raw local servers that answer byte by byte as the test says: where the
 * answer ends for each framing, which span its clock covers, and how each failure is classified.
 */
class HttpOnceTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long a server keeps the connection open after its answer: a client that waits for the close is late. */
    static final long HOLD_MILLIS = 1500;

    @Test
    void sendsOneGetWithTheHarnessHeadersAndTheHostHeader() throws Exception {
        try (RawServer server = RawServer.answering(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));
        })) {
            HttpOnce.Response r = HttpOnce.get("127.0.0.1", server.port(), "/v1/echo?x=1", "ingress.netpaths.test",
                    Map.of("x-netpaths-version", "v2"), TIMEOUT);
            assertEquals(200, r.status());
            assertEquals("{}", r.body());
            assertEquals("127.0.0.1", r.localIp());
            assertEquals("GET /v1/echo?x=1 HTTP/1.1\r\nHost: ingress.netpaths.test\r\n"
                    + "User-Agent: netpaths-conformance\r\nAccept: application/json\r\nConnection: close\r\n"
                    + "x-netpaths-version: v2\r\n\r\n", server.requests().get(0));
        }
    }

    @Test
    void withoutAHostHeaderTheTargetAddressIsTheHost() throws Exception {
        try (RawServer server = RawServer.answering(out -> out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n")))) {
            HttpOnce.Response r = HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT);
            assertEquals(204, r.status());
            assertEquals("", r.body());
            assertTrue(server.requests().get(0).contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n"));
        }
    }

    @Test
    void aContentLengthBodyEndsAtItsLastByteNotAtTheClose() throws Exception {
        try (RawServer server = RawServer.answering(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n"));
            out.flush();
            pause(100);
            out.write(ascii("{\"pod\":\"a\"}"));
            out.flush();
            pause(HOLD_MILLIS);
        })) {
            long start = System.nanoTime();
            HttpOnce.Response r = HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT);
            long wall = System.nanoTime() - start;
            assertEquals("{\"pod\":\"a\"}", r.body());
            assertEquals("application/json", r.headers().get("content-type"), "header names are lower-cased");
            assertTrue(r.nanos() >= Duration.ofMillis(100).toNanos(), "the clock covers the wait for the body");
            assertTrue(wall < Duration.ofMillis(HOLD_MILLIS).toNanos(), "returned at the last byte, not at the close");
        }
    }

    @Test
    void aChunkedBodyIsDecodedAndEndsAtTheLastChunk() throws Exception {
        try (RawServer server = RawServer.answering(out -> {
            out.write(ascii("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n8;ext=1\r\ndefault \r\n"));
            out.flush();
            pause(50);
            out.write(ascii("D\r\nbackend - 404\r\n0\r\nx-trailer: 1\r\n\r\n"));
            out.flush();
            pause(HOLD_MILLIS);
        })) {
            long start = System.nanoTime();
            HttpOnce.Response r = HttpOnce.get("127.0.0.1", server.port(), "/nope", "x.test", Map.of(), TIMEOUT);
            assertEquals(404, r.status());
            assertEquals("default backend - 404", r.body());
            assertTrue(System.nanoTime() - start < Duration.ofMillis(HOLD_MILLIS).toNanos(),
                    "returned after the last chunk, not at the close");
        }
    }

    @Test
    void aBodyWithoutLengthOrChunksEndsWhenTheServerCloses() throws Exception {
        try (RawServer server = RawServer.answering(out -> {
            out.write(ascii("HTTP/1.0 200 OK\r\n\r\nfirst "));
            out.flush();
            pause(50);
            out.write(ascii("second"));
        })) {
            HttpOnce.Response r = HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT);
            assertEquals("first second", r.body());
        }
    }

    @Test
    void aBodyIsCappedAtOneMebibyte() throws Exception {
        byte[] big = new byte[HttpOnce.MAX_BODY + 4096];
        java.util.Arrays.fill(big, (byte) 'a');
        try (RawServer server = RawServer.answering(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n"));
            out.write(big);
        })) {
            HttpOnce.Response r = HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT);
            assertEquals(HttpOnce.MAX_BODY, r.body().length());
        }
    }

    @Test
    void aClosedPortIsRefused() {
        ProbeException e = assertThrows(ProbeException.class,
                () -> HttpOnce.get("127.0.0.1", closedPort(), "/", null, Map.of(), TIMEOUT));
        assertEquals(ErrorKind.REFUSED, e.kind());
    }

    @Test
    void aServerThatNeverAnswersIsAReadTimeout() throws Exception {
        try (RawServer server = RawServer.answering(out -> pause(HOLD_MILLIS))) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), Duration.ofMillis(300)));
            assertEquals(ErrorKind.READ_TIMEOUT, e.kind());
        }
    }

    @Test
    void aResetConnectionIsAReset() throws Exception {
        try (RawServer server = RawServer.resetting()) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT));
            assertEquals(ErrorKind.RESET, e.kind(), e.getMessage());
        }
    }

    @Test
    void aCloseBeforeAnyAnswerIsAProtocolError() throws Exception {
        try (RawServer server = RawServer.answering(out -> { })) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT));
            assertEquals(ErrorKind.PROTOCOL, e.kind());
            assertEquals("connection closed before a complete response", e.getMessage());
        }
    }

    @Test
    void somethingOtherThanHttpIsAProtocolErrorAsSoonAsItsFirstLineIsIn() throws Exception {
        try (RawServer server = RawServer.answering(out -> {
            out.write(ascii("SSH-2.0-OpenSSH_9.2\r\n"));
            out.flush();
            pause(HOLD_MILLIS);
        })) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT));
            assertEquals(ErrorKind.PROTOCOL, e.kind());
            assertEquals("not an HTTP response: SSH-2.0-OpenSSH_9.2", e.getMessage());
        }
    }

    @Test
    void aChunkedBodyCutShortIsAProtocolError() throws Exception {
        try (RawServer server = RawServer.answering(out -> out.write(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part")))) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT));
            assertEquals(ErrorKind.PROTOCOL, e.kind());
        }
    }

    @Test
    void aBadChunkSizeIsAProtocolError() throws Exception {
        try (RawServer server = RawServer.answering(out -> out.write(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n")))) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> HttpOnce.get("127.0.0.1", server.port(), "/", null, Map.of(), TIMEOUT));
            assertEquals(ErrorKind.PROTOCOL, e.kind());
            assertEquals("bad chunk size: zz", e.getMessage());
        }
    }

    @Test
    void hostProbeReportsTheClientsClockForEveryTry() throws Exception {
        try (RawServer server = RawServer.answering(out -> {
            pause(60);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
            out.flush();
            pause(400);
        })) {
            Observation o = HostProbe.http("127.0.0.1", server.port(), "/", null, Map.of(), 2, TIMEOUT);
            assertEquals(2, o.okCount());
            for (Attempt a : o.attempts()) {
                assertTrue(a.latencyMs() >= 60 && a.latencyMs() < 400, "connect to last byte, no close: " + a);
            }
            assertEquals(2, server.requests().size(), "one connection per try");
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

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** What a raw server writes on a connection once it has read the request head. */
    interface Answer {
        void write(OutputStream out) throws IOException;
    }

    /** A loopback server that answers every connection on its own thread, and keeps the request heads. */
    static final class RawServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

        private RawServer(Answer answer, boolean reset) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accepting = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread connection = new Thread(() -> serve(socket, answer, reset));
                        connection.setDaemon(true);
                        connection.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            accepting.setDaemon(true);
            accepting.start();
        }

        static RawServer answering(Answer answer) throws IOException {
            return new RawServer(answer, false);
        }

        /** Reads the request, then resets the connection (SO_LINGER 0). */
        static RawServer resetting() throws IOException {
            return new RawServer(out -> { }, true);
        }

        private void serve(Socket socket, Answer answer, boolean reset) {
            try (socket) {
                requests.add(readHead(socket.getInputStream()));
                if (reset) {
                    socket.setSoLinger(true, 0);
                    return;
                }
                OutputStream out = socket.getOutputStream();
                answer.write(out);
                out.flush();
            } catch (IOException clientGone) {
                // the client gave up (a timeout test) or closed after the bytes it needed
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int b = in.read(); b != -1; b = in.read()) {
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == end.length) {
                    break;
                }
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> requests() {
            return requests;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}

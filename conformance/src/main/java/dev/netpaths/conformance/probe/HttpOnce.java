package dev.netpaths.conformance.probe;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET on a NEW TCP connection ({@code Connection: close}), with any Host header. Load balancing is
 * per connection, so a pooled client would see one backend; this client cannot reuse a connection.
 *
 * <p>It also measures the exchange, over the span curl's {@code %{time_total}} covers: from before the socket is
 * opened until the last byte of the body is in (curl, too, stops its clock before it closes the connection). The
 * request is encoded before the clock starts ({@link #request}, once per probe), the body is decoded after it
 * stops, and the socket is an IPv4 one for an IPv4 address (a {@code java.net.Socket} is a dual-stack IPv6 socket
 * connecting to a v4-mapped address) whose waits are single {@code poll}s with the timeout.
 */
public final class HttpOnce {

    static final int MAX_BODY = 1 << 20;
    /** The status line and headers; a longer head is not an answer this harness expects. */
    static final int MAX_HEAD = 64 * 1024;
    /** The body as sent (chunk framing included) may exceed {@link #MAX_BODY} by this much. */
    private static final int MAX_FRAMING = 64 * 1024;

    private HttpOnce() {}

    /**
     * @param nanos the exchange's duration: from before the socket was opened to the last byte of the body
     */
    public record Response(int status, Map<String, String> headers, String body, String localIp, long nanos) {
        /** {@link #nanos} in milliseconds, rounded to 0.01 ms as every latency the harness reports. */
        public double latencyMs() {
            return Math.round(nanos / 10_000.0) / 100.0;
        }
    }

    /** The request bytes of a GET: the same for every try of a probe, so a probe encodes them once. */
    public static byte[] request(String ip, int port, String pathAndQuery, String hostHeader,
                                 Map<String, String> headers) {
        StringBuilder request = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader != null ? hostHeader : ip + ":" + port).append("\r\n")
                .append("User-Agent: netpaths-conformance\r\nAccept: application/json\r\nConnection: close\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        return request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws ProbeException with the classified failure */
    public static Response get(String ip, int port, String pathAndQuery, String hostHeader,
                               Map<String, String> headers, Duration timeout) throws ProbeException {
        return send(ip, port, request(ip, port, pathAndQuery, hostHeader, headers), timeout);
    }

    /**
     * Sends {@code request} (from {@link #request}) on a new connection and reads the answer: to
     * {@code Content-Length}, to the last chunk, or to the end of the stream; at most {@link #MAX_BODY} bytes of
     * body. {@code timeout} bounds the connect and every read.
     *
     * @throws ProbeException with the classified failure
     */
    public static Response send(String ip, int port, byte[] request, Duration timeout) throws ProbeException {
        int millis = (int) timeout.toMillis();
        boolean connected = false;
        SocketChannel channel = null;
        long start = System.nanoTime();
        try {
            InetAddress address = InetAddress.getByName(ip);
            channel = SocketChannel.open(address instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            // The channel's socket adaptor: a timed connect and timed reads, each one poll() on the socket.
            Socket socket = channel.socket();
            socket.setSoTimeout(millis);
            socket.connect(new InetSocketAddress(address, port), millis);
            connected = true;
            socket.getOutputStream().write(request);
            Reader reader = new Reader(socket.getInputStream());
            reader.readResponse();
            long nanos = System.nanoTime() - start;
            String localIp = ((InetSocketAddress) channel.getLocalAddress()).getAddress().getHostAddress();
            return new Response(reader.status, reader.headers, reader.body(), localIp, nanos);
        } catch (ProbeException e) {
            throw e;
        } catch (IOException e) {
            throw new ProbeException(ErrorKind.of(e, connected), e.getMessage());
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the answer (or the failure) is already in hand
                }
            }
        }
    }

    /** Reads one response into a byte array; the head is parsed as it arrives, the body decoded at the end. */
    private static final class Reader {
        private enum Framing { LENGTH, CHUNKED, UNTIL_CLOSE }

        private final InputStream in;
        private byte[] buf = new byte[8192];
        private int len;
        private int lineStart;           // the next head line not yet looked at
        private int bodyStart = -1;      // after the blank line that ends the head
        private int status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Framing framing;
        private int bodyLength;          // LENGTH: the bytes expected, capped at MAX_BODY
        private Chunks chunks;

        Reader(InputStream in) {
            this.in = in;
        }

        void readResponse() throws IOException, ProbeException {
            while (true) {
                if (len == buf.length) {
                    if (len >= MAX_HEAD + MAX_BODY + MAX_FRAMING) {
                        throw new ProbeException(ErrorKind.PROTOCOL, "chunk framing over " + MAX_FRAMING + " bytes");
                    }
                    buf = Arrays.copyOf(buf, Math.min(len * 2, MAX_HEAD + MAX_BODY + MAX_FRAMING));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    closedByServer();
                    return;
                }
                len += n;
                if (bodyStart < 0 && !head()) {
                    continue;
                }
                if (complete()) {
                    return;
                }
            }
        }

        /** Parses the head lines that arrived; true once the head is complete. */
        private boolean head() throws ProbeException {
            for (int nl = indexOf('\n', lineStart); nl >= 0; nl = indexOf('\n', lineStart)) {
                String line = line(lineStart, nl);
                boolean first = lineStart == 0;
                lineStart = nl + 1;
                if (first) {
                    statusLine(line);
                } else if (line.isEmpty()) {
                    bodyStart = lineStart;
                    framing();
                    return true;
                } else {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).trim());
                    }
                }
            }
            if (len > MAX_HEAD) {
                throw new ProbeException(ErrorKind.PROTOCOL, "response head over " + MAX_HEAD + " bytes");
            }
            return false;
        }

        private void statusLine(String line) throws ProbeException {
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new ProbeException(ErrorKind.PROTOCOL, "not an HTTP response: " + line);
            }
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new ProbeException(ErrorKind.PROTOCOL, "not an HTTP status: " + line);
            }
        }

        private void framing() throws ProbeException {
            String length = headers.get("content-length");
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                framing = Framing.CHUNKED;
                chunks = new Chunks(bodyStart);
            } else if (length != null) {
                framing = Framing.LENGTH;
                try {
                    long declared = Long.parseLong(length);
                    if (declared < 0) {
                        throw new NumberFormatException();
                    }
                    bodyLength = (int) Math.min(declared, MAX_BODY);
                } catch (NumberFormatException e) {
                    throw new ProbeException(ErrorKind.PROTOCOL, "bad Content-Length: " + length);
                }
            } else {
                framing = Framing.UNTIL_CLOSE;
            }
        }

        private boolean complete() throws ProbeException {
            return switch (framing) {
                case LENGTH -> len - bodyStart >= bodyLength;
                case CHUNKED -> chunks.scan();
                case UNTIL_CLOSE -> len - bodyStart >= MAX_BODY;
            };
        }

        /** The server closed the connection: the end of an UNTIL_CLOSE body, otherwise an answer cut short. */
        private void closedByServer() throws IOException, ProbeException {
            if (bodyStart < 0) {
                if (lineStart == 0 && len > 0) {
                    statusLine(line(0, len)); // not even a whole status line: still say when it is none
                }
                throw new EOFException("connection closed before a complete response");
            }
            if (framing == Framing.CHUNKED && !chunks.scan() && !chunks.inTrailers) {
                throw new ProbeException(ErrorKind.PROTOCOL, "connection closed inside a chunked body");
            }
            // LENGTH cut short keeps what arrived (as this client always has); UNTIL_CLOSE ends here.
        }

        String body() {
            if (bodyStart < 0) {
                return "";
            }
            return switch (framing) {
                case LENGTH -> new String(buf, bodyStart, Math.min(bodyLength, len - bodyStart), StandardCharsets.UTF_8);
                case CHUNKED -> chunks.body.toString(StandardCharsets.UTF_8);
                case UNTIL_CLOSE -> new String(buf, bodyStart, Math.min(MAX_BODY, len - bodyStart),
                        StandardCharsets.UTF_8);
            };
        }

        private int indexOf(char c, int from) {
            for (int i = from; i < len; i++) {
                if (buf[i] == c) {
                    return i;
                }
            }
            return -1;
        }

        /** The bytes from..to as ISO-8859-1 text without any CR. */
        private String line(int from, int to) {
            StringBuilder line = new StringBuilder(to - from);
            for (int i = from; i < to; i++) {
                if (buf[i] != '\r') {
                    line.append((char) (buf[i] & 0xff));
                }
            }
            return line.toString();
        }

        /** A chunked body, scanned as it arrives: done after the last chunk's trailers, or at MAX_BODY. */
        private final class Chunks {
            private int pos;                 // the next chunk-size line, or the next trailer line
            private boolean inTrailers;
            private boolean done;
            private final ByteArrayOutputStream body = new ByteArrayOutputStream();

            Chunks(int pos) {
                this.pos = pos;
            }

            boolean scan() throws ProbeException {
                while (!done) {
                    int nl = indexOf('\n', pos);
                    if (nl < 0) {
                        return false;
                    }
                    if (inTrailers) {
                        done = line(pos, nl).isEmpty();
                        pos = nl + 1;
                        continue;
                    }
                    int size = size(line(pos, nl));
                    if (size == 0) {
                        inTrailers = true;
                        pos = nl + 1;
                        continue;
                    }
                    int room = MAX_BODY - body.size();
                    if (size >= room && len - (nl + 1) >= room) {
                        body.write(buf, nl + 1, room); // the cap: the rest of the body is not needed
                        done = true;
                        return true;
                    }
                    int dataEnd = nl + 1 + size;
                    int end = dataEnd <= len ? indexOf('\n', dataEnd) : -1;
                    if (end < 0) {
                        return false;
                    }
                    body.write(buf, nl + 1, Math.min(size, MAX_BODY - body.size()));
                    done = body.size() >= MAX_BODY;
                    pos = end + 1;
                }
                return true;
            }

            private int size(String line) throws ProbeException {
                int semicolon = line.indexOf(';');
                String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
                try {
                    int size = Integer.parseInt(hex, 16);
                    if (size < 0 || hex.startsWith("+")) {
                        throw new NumberFormatException();
                    }
                    return size;
                } catch (NumberFormatException e) {
                    throw new ProbeException(ErrorKind.PROTOCOL, "bad chunk size: " + line);
                }
            }
        }
    }
}

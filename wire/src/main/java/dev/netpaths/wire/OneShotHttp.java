package dev.netpaths.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request on one NEW TCP connection ({@code Connection: close}) to an address already chosen, timing
 * each phase: connect, TLS handshake, first byte, total. Load balancing is per connection, so a pooled client
 * would see one backend; JDK clients also resolve names themselves and restrict {@code Host}. caller-service's
 * {@code /call} and the harness's own probes both use it.
 *
 * <p>The clock runs from before the socket is opened until the last byte of the body is in, the span curl's
 * {@code %{time_total}} covers (curl too stops before it closes the connection). One deadline bounds the whole
 * exchange: the connect gets all of it, every later wait what is left. The socket is an IPv4 one for an IPv4
 * address (a {@code java.net.Socket} is a dual-stack IPv6 socket connecting to a v4-mapped address) whose waits
 * are single {@code poll}s.
 */
public final class OneShotHttp {

    /** The status line and headers; a longer head is a protocol error. */
    static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 8192;
    private static final Set<String> BODYLESS_METHODS = Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE");

    private OneShotHttp() {}

    /** A request encoded once (a probe sends the same bytes on every try). */
    public record Request(String method, byte[] bytes) {

        /**
         * {@code method target HTTP/1.1}, the {@code headers} in their order (the caller gives {@code Host}; a name may repeat),
         * {@code Connection: close}, and {@code Content-Length} when there is a body or the method expects one.
         */
        public static Request of(String method, String pathAndQuery, List<Map.Entry<String, String>> headers,
                                 byte[] body) {
            StringBuilder head = new StringBuilder(128).append(method).append(' ').append(pathAndQuery)
                    .append(" HTTP/1.1\r\n");
            headers.forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
            head.append("Connection: close\r\n");
            byte[] payload = body == null ? new byte[0] : body;
            if (body != null || !BODYLESS_METHODS.contains(method)) {
                head.append("Content-Length: ").append(payload.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(head.length() + payload.length);
            bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            bytes.writeBytes(payload);
            return new Request(method, bytes.toByteArray());
        }
    }

    /**
     * TLS for an https target.
     *
     * @param serverName     sent as SNI, and the name the certificate must match when {@code verifyHostname}
     */
    public record Tls(SSLSocketFactory factory, String serverName, boolean verifyHostname) {}

    /**
     * What one exchange showed, filled phase by phase, so a failure keeps what came before it. Durations are in
     * nanoseconds, -1 for a phase not reached; {@code firstByteNanos} runs from the request sent to the first
     * response byte, {@code totalNanos} from before the connect to the last body byte (or the failure).
     *
     * @param status  null when no response head arrived
     * @param headers lower-case names, values in arrival order
     * @param error   null when a response arrived (whatever its status)
     */
    public record Result(Integer status, Map<String, List<String>> headers, byte[] body, boolean bodyTruncated,
                         InetSocketAddress local, long connectNanos, long tlsNanos, long firstByteNanos,
                         long totalNanos, ErrorInfo error) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The local address the connection had, or null when it never connected. */
        public String localIp() {
            return local == null ? null : local.getAddress().getHostAddress();
        }

        /** Nanoseconds as milliseconds rounded to 0.01 ms, as every netpaths latency; null for -1. */
        public static Double millis(long nanos) {
            return nanos < 0 ? null : Math.round(nanos / 10_000.0) / 100.0;
        }
    }

    /**
     * Sends {@code request} to {@code to} on a new connection and reads the answer: the status line and headers
     * (interim 1xx skipped), then the body to {@code Content-Length}, to the last chunk, or to the close, keeping
     * at most {@code maxBody} bytes. Never throws: a failure is classified into {@link Result#error}.
     *
     * @param tls null for plain HTTP
     */
    public static Result exchange(InetSocketAddress to, Request request, Tls tls, Duration timeout, int maxBody) {
        Exchange ex = new Exchange();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        ErrorKind.Phase phase = ErrorKind.Phase.CONNECT;
        ErrorInfo error = null;
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(to.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            // The channel's socket adaptor: a timed connect and timed reads, each one poll() on the socket.
            Socket socket = channel.socket();
            socket.connect(to, remainingMillis(deadline));
            ex.connectNanos = System.nanoTime() - start;
            ex.local = new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
            if (tls != null) {
                phase = ErrorKind.Phase.TLS;
                long handshake = System.nanoTime();
                socket = handshake(socket, to, tls, deadline);
                ex.tlsNanos = System.nanoTime() - handshake;
            }
            phase = ErrorKind.Phase.EXCHANGE;
            OutputStream out = socket.getOutputStream();
            out.write(request.bytes());
            out.flush();
            ex.sent = System.nanoTime();
            new Reader(socket, deadline, ex).readResponse(request.method(), maxBody);
        } catch (IOException e) {
            error = ErrorInfo.classify(phase, e);
        } finally {
            ex.totalNanos = System.nanoTime() - start;
            closeQuietly(channel);
        }
        return new Result(ex.status, ex.headers, ex.body.toByteArray(), ex.truncated, ex.local, ex.connectNanos,
                ex.tlsNanos, ex.firstByteNanos, ex.totalNanos, error);
    }

    private static Socket handshake(Socket raw, InetSocketAddress to, Tls tls, long deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.factory().createSocket(raw, tls.serverName(), to.getPort(), true);
        if (tls.verifyHostname()) {
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        ssl.setSoTimeout(remainingMillis(deadline));
        ssl.startHandshake();
        return ssl;
    }

    /** Milliseconds left before the deadline, at least 1; a timeout once it has passed. */
    static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (ms <= 0) {
            throw new SocketTimeoutException("Read timed out");
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the answer (or the failure) is already in hand
            }
        }
    }

    /** The exchange so far. */
    private static final class Exchange {
        Integer status;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean truncated;
        InetSocketAddress local;
        long connectNanos = -1;
        long tlsNanos = -1;
        long sent;
        long firstByteNanos = -1;
        long totalNanos = -1;
    }

    /** A buffered reader over the socket, every wait bounded by what is left of the deadline. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final Exchange ex;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int lim;
        private int headBudget = MAX_HEAD;
        private boolean inStatusLine;

        Reader(Socket socket, long deadline, Exchange ex) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
            this.ex = ex;
        }

        void readResponse(String method, int maxBody) throws IOException {
            int status;
            do {
                inStatusLine = true;
                String statusLine = line();
                inStatusLine = false;
                if (statusLine == null) {
                    throw new ProtocolException("connection closed before a response");
                }
                status = status(statusLine);
                ex.headers.clear();
                for (String line = headLine(); !line.isEmpty(); line = headLine()) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new ProtocolException("malformed header line: " + abbreviate(line));
                    }
                    ex.headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
                }
            } while (status >= 100 && status < 200 && status != 101);
            ex.status = status;
            if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
                return;
            }
            String transferEncoding = first("transfer-encoding");
            String contentLength = first("content-length");
            if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked(maxBody);
            } else if (contentLength != null) {
                fixed(length(contentLength), maxBody);
            } else {
                fixed(-1, maxBody);
            }
        }

        private String first(String name) {
            List<String> values = ex.headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        private void chunked(int maxBody) throws IOException {
            while (!ex.truncated) {
                headBudget = MAX_CHUNK_LINE; // per line: a body may have many chunks
                String sizeLine = line();
                if (sizeLine == null) {
                    throw new ProtocolException("connection closed inside a chunked body");
                }
                long size = chunkSize(sizeLine);
                if (size == 0) {
                    return; // trailers, if any, are left unread: the connection closes anyway
                }
                fixed(size, maxBody);
                if (ex.truncated) {
                    return;
                }
                headBudget = MAX_CHUNK_LINE;
                String end = line();
                if (end == null) {
                    throw new ProtocolException("connection closed inside a chunked body");
                }
                if (!end.isEmpty()) {
                    throw new ProtocolException("chunk not followed by CRLF");
                }
            }
        }

        /** {@code length} bytes, or to the end of the stream for -1; stops once {@code maxBody} is exceeded. */
        private void fixed(long length, int maxBody) throws IOException {
            long left = length;
            while ((length < 0 || left > 0) && !ex.truncated) {
                if (pos == lim && !fill()) {
                    if (length < 0) {
                        return;
                    }
                    throw new ProtocolException("connection closed " + left + " bytes before the end of the body");
                }
                int n = (int) Math.min(lim - pos, length < 0 ? Long.MAX_VALUE : left);
                int room = maxBody - ex.body.size();
                ex.body.write(buf, pos, Math.min(room, n));
                ex.truncated = n > room;
                pos += n;
                left -= n;
            }
        }

        /** A head line; the whole head is capped at {@link #MAX_HEAD}. */
        private String headLine() throws IOException {
            String line = line();
            if (line == null) {
                throw new ProtocolException("connection closed inside the response head");
            }
            return line;
        }

        /** A CRLF- (or LF-) terminated line in ISO-8859-1; null at the end of the stream before any byte. */
        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (pos == lim && !fill()) {
                    if (line.isEmpty()) {
                        return null;
                    }
                    if (inStatusLine) {
                        status(line.toString()); // not even a whole status line: still say when it is none
                    }
                    throw new ProtocolException("connection closed inside a line");
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (--headBudget < 0) {
                    throw new ProtocolException("response head or chunk line over " + MAX_HEAD + " bytes");
                }
                line.append((char) (b & 0xff));
            }
        }

        /** Reads more into the buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            if (ex.firstByteNanos < 0) {
                ex.firstByteNanos = System.nanoTime() - ex.sent;
            }
            pos = 0;
            lim = n;
            return true;
        }

        private static int status(String line) throws ProtocolException {
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
                throw new ProtocolException("not an HTTP/1.x status line: " + abbreviate(line));
            }
            return Integer.parseInt(parts[1]);
        }

        private static long length(String value) throws ProtocolException {
            try {
                long length = Long.parseLong(value.trim());
                if (length < 0) {
                    throw new NumberFormatException();
                }
                return length;
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad Content-Length: " + abbreviate(value));
            }
        }

        private static long chunkSize(String line) throws ProtocolException {
            String hex = line.split(";", 2)[0].trim();
            try {
                long size = Long.parseLong(hex, 16);
                if (size < 0 || hex.startsWith("+")) {
                    throw new NumberFormatException();
                }
                return size;
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size: " + abbreviate(line));
            }
        }

        private static String abbreviate(String text) {
            return text.length() <= 80 ? text : text.substring(0, 80) + "...";
        }
    }
}

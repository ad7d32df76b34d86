package dev.netpaths.caller;

import dev.netpaths.caller.ErrorInfo.Phase;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTP/1.1 request on one new connection ({@code Connection: close}) to an address already checked, timing
 * each phase. A small client of its own because the point is per-phase timing and connecting to exactly the
 * address the policy saw; JDK clients resolve names themselves and keep connections alive.
 */
@ApplicationScoped
public class HttpProbe {
    private static final int MAX_LINE_BYTES = 8192;
    private static final int MAX_HEADER_BYTES = 65536;
    private static final Set<String> BODYLESS_METHODS = Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE");
    private static final String USER_AGENT = "netpaths-caller/0.1.0";

    private final SSLSocketFactory tls;
    private final boolean verifyHostname;

    public HttpProbe(CallerConfig config) {
        this.verifyHostname = !config.insecureTls();
        this.tls = config.insecureTls() ? trustingEveryone() : (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    /** Never throws: a failure is classified into {@link Exchange#error}. */
    Exchange exchange(InetAddress address, Target target, String method, List<Header> headers, String body,
                      int timeoutMs, int maxBytes) {
        Exchange ex = new Exchange();
        ex.remoteAddress = IpLiteral.socketText(address, target.port());
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000L;
        Phase phase = Phase.CONNECT;
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(address, target.port()), timeoutMs);
            ex.connectMs = Timing.since(start);
            ex.localAddress = IpLiteral.socketText(raw.getLocalAddress(), raw.getLocalPort());
            Socket socket = raw;
            if (target.tls()) {
                phase = Phase.TLS;
                long handshakeStart = System.nanoTime();
                socket = handshake(raw, target, deadline);
                ex.tlsMs = Timing.since(handshakeStart);
            }
            phase = Phase.EXCHANGE;
            long sent = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(request(target, method, headers, body));
            out.flush();
            InputStream in = new BufferedInputStream(
                    new TimedInput(socket, deadline, at -> ex.firstByteMs = Timing.between(sent, at)));
            readResponse(in, method, maxBytes, ex);
        } catch (IOException e) {
            ex.error = ErrorInfo.classify(phase, e);
        }
        ex.latencyMs = Timing.since(start);
        if (ex.error == null && ex.status >= 400) {
            ex.error = ErrorInfo.of(ErrorKind.HTTP_STATUS, "HTTP " + ex.status);
        }
        return ex;
    }

    private Socket handshake(Socket raw, Target target, long deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(raw, target.host(), target.port(), true);
        if (verifyHostname) {
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        ssl.setSoTimeout(TimedInput.remainingMs(deadline));
        ssl.startHandshake();
        return ssl;
    }

    static byte[] request(Target target, String method, List<Header> headers, String body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target.pathAndQuery()).append(" HTTP/1.1\r\n");
        appendUnlessGiven(head, headers, "Host", target.hostHeader());
        appendUnlessGiven(head, headers, "User-Agent", USER_AGENT);
        appendUnlessGiven(head, headers, "Accept", "*/*");
        for (Header header : headers) {
            head.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        head.append("Connection: close\r\n");
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null || !BODYLESS_METHODS.contains(method)) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(payload);
        return bytes.toByteArray();
    }

    private static void appendUnlessGiven(StringBuilder head, List<Header> headers, String name, String value) {
        if (headers.stream().noneMatch(h -> h.named(name))) {
            head.append(name).append(": ").append(value).append("\r\n");
        }
    }

    /** Status line and headers (skipping interim 1xx responses), then the body as framed, capped. */
    static void readResponse(InputStream in, String method, int maxBytes, Exchange ex) throws IOException {
        int[] headerBudget = {MAX_HEADER_BYTES};
        int status;
        do {
            String statusLine = readLine(in, headerBudget);
            if (statusLine == null) {
                throw new ProtocolException("connection closed before a response");
            }
            status = parseStatus(statusLine);
            ex.headers.clear();
            for (String line = readLine(in, headerBudget); line != null && !line.isEmpty(); line = readLine(in, headerBudget)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("malformed header line: " + line);
                }
                ex.addHeader(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        } while (status >= 100 && status < 200 && status != 101);
        ex.status = status;
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return;
        }
        CappedBody body = new CappedBody(maxBytes);
        String transferEncoding = ex.firstHeader("transfer-encoding");
        String contentLength = ex.firstHeader("content-length");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            readChunked(in, body);
        } else if (contentLength != null) {
            readFixed(in, parseLength(contentLength), body);
        } else {
            readFixed(in, -1, body);
        }
        ex.body = body.toByteArray();
        ex.truncated = body.truncated();
    }

    private static void readChunked(InputStream in, CappedBody body) throws IOException {
        while (!body.truncated()) {
            String sizeLine = readLine(in, new int[] {MAX_LINE_BYTES}); // per line: a body may have many chunks
            if (sizeLine == null) {
                throw new ProtocolException("connection closed inside a chunked body");
            }
            long size;
            try {
                size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed chunk size: " + sizeLine);
            }
            if (size == 0) {
                return; // trailers, if any, are left unread: the connection closes anyway
            }
            readFixed(in, size, body);
            if (!body.truncated() && !"".equals(readLine(in, new int[] {MAX_LINE_BYTES}))) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }
    }

    /** Reads {@code length} bytes, or to end of stream when {@code length} is -1, stopping once the cap is hit. */
    private static void readFixed(InputStream in, long length, CappedBody body) throws IOException {
        byte[] buffer = new byte[8192];
        long left = length;
        while ((length < 0 || left > 0) && !body.truncated()) {
            int n = in.read(buffer, 0, length < 0 ? buffer.length : (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (length < 0) {
                    return;
                }
                throw new ProtocolException("connection closed " + left + " bytes before the end of the body");
            }
            body.write(buffer, n);
            left -= n;
        }
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1; null at end of stream before any byte. */
    private static String readLine(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new ProtocolException("connection closed inside a line");
            }
            if (line.size() >= MAX_LINE_BYTES || --budget[0] < 0) {
                throw new ProtocolException("response line or headers too long");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static int parseStatus(String line) throws ProtocolException {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new ProtocolException("not an HTTP/1.x status line: " + abbreviate(line));
        }
        return Integer.parseInt(parts[1]);
    }

    private static long parseLength(String value) throws ProtocolException {
        try {
            long length = Long.parseLong(value.trim());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed Content-Length: " + value);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** Only when {@code netpaths.caller.insecure-tls=true}: for self-signed test targets, never the default. */
    private static SSLSocketFactory trustingEveryone() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the insecure TLS context", e);
        }
    }
}

package dev.netpaths.conformance.probe;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET on a NEW TCP connection ({@code Connection: close}), with any Host header. Load balancing is
 * per connection, so a pooled client would see one backend; this client cannot reuse a connection.
 */
public final class HttpOnce {

    static final int MAX_BODY = 1 << 20;

    private HttpOnce() {}

    public record Response(int status, Map<String, String> headers, String body, String localIp) {}

    /** @throws ProbeException with the classified failure */
    public static Response get(String ip, int port, String pathAndQuery, String hostHeader,
                               Map<String, String> headers, Duration timeout) throws ProbeException {
        int millis = (int) timeout.toMillis();
        boolean connected = false;
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(millis);
            socket.connect(new InetSocketAddress(ip, port), millis);
            connected = true;
            StringBuilder request = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader != null ? hostHeader : ip + ":" + port).append("\r\n")
                    .append("User-Agent: netpaths-conformance\r\nAccept: application/json\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new ProbeException(ErrorKind.PROTOCOL, "not an HTTP response: " + statusLine);
            }
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    responseHeaders.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            h.substring(colon + 1).trim());
                }
            }
            return new Response(Integer.parseInt(parts[1]), responseHeaders, body(in, responseHeaders),
                    socket.getLocalAddress().getHostAddress());
        } catch (ProbeException e) {
            throw e;
        } catch (IOException e) {
            throw new ProbeException(ErrorKind.of(e, connected), e.getMessage());
        } catch (NumberFormatException e) {
            throw new ProbeException(ErrorKind.PROTOCOL, e.getMessage());
        }
    }

    private static String body(InputStream in, Map<String, String> headers) throws IOException {
        byte[] bytes;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                out.write(in.readNBytes(Math.min(size, MAX_BODY)));
                line(in);
            }
            bytes = out.toByteArray();
        } else if (headers.containsKey("content-length")) {
            bytes = in.readNBytes(Math.min(Integer.parseInt(headers.get("content-length")), MAX_BODY));
        } else {
            bytes = in.readNBytes(MAX_BODY);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return Integer.parseInt((semicolon >= 0 ? line.substring(0, semicolon) : line).trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (line.length() == 0) {
                    throw new EOFException("connection closed before a complete response");
                }
                break;
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}

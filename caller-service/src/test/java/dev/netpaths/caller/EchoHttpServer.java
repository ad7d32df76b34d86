package dev.netpaths.caller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for echo-service on 127.0.0.1:0 (or another loopback address): echo-shaped JSON naming its pod,
 * plus a few paths that produce the responses the prober must classify. Remembers the last request it got.
 */
final class EchoHttpServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final String pod;
    final AtomicInteger requests = new AtomicInteger();
    volatile Map<String, Object> lastRequest;
    private final HttpServer server;

    private EchoHttpServer(String pod, HttpServer server) {
        this.pod = pod;
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    static EchoHttpServer start(String pod) {
        return start(pod, "127.0.0.1");
    }

    static EchoHttpServer start(String pod, String address) {
        try {
            return new EchoHttpServer(pod, HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 50));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EchoHttpServer startTls(String pod, SSLContext context) {
        try {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            https.setHttpsConfigurator(new HttpsConfigurator(context));
            return new EchoHttpServer(pod, https);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getQuery();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", exchange.getRequestMethod());
        request.put("path", path);
        request.put("query", query);
        request.put("headers", headers);
        request.put("body", body);
        request.put("clientIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        request.put("clientPort", exchange.getRemoteAddress().getPort());
        lastRequest = request;
        if (path.startsWith("/status/")) {
            reply(exchange, Integer.parseInt(path.substring(8)), "text/plain", "status".getBytes(StandardCharsets.UTF_8), false);
        } else if (path.equals("/redirect")) {
            exchange.getResponseHeaders().add("Location", query.substring("to=".length()));
            reply(exchange, 302, "text/plain", new byte[0], false);
        } else if (path.equals("/loop")) {
            exchange.getResponseHeaders().add("Location", "/loop");
            reply(exchange, 307, "text/plain", new byte[0], false);
        } else if (path.equals("/text")) {
            reply(exchange, 200, "text/plain", ("hello from " + pod).getBytes(StandardCharsets.UTF_8), false);
        } else if (path.startsWith("/bytes/")) {
            byte[] data = "x".repeat(Integer.parseInt(path.substring(7))).getBytes(StandardCharsets.UTF_8);
            reply(exchange, 200, "text/plain", data, "chunked".equals(query));
        } else {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("service", "echo-service");
            echo.put("version", "v1");
            echo.put("pod", pod);
            echo.put("namespace", "netpaths");
            echo.put("node", "test-node");
            echo.put("podIp", server.getAddress().getAddress().getHostAddress());
            echo.put("hostIp", "127.0.0.1");
            echo.put("cluster", "test");
            echo.put("request", request);
            reply(exchange, 200, "application/json", JSON.writeValueAsBytes(echo), false);
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body, boolean chunked) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        // length 0 makes the JDK server send a chunked body; -1 means no body at all.
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}

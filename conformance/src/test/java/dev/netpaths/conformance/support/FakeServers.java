package dev.netpaths.conformance.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** Real local HTTP processes on 127.0.0.1:0 that answer like echo-service and caller-service. */
public final class FakeServers {

    private FakeServers() {}

    /** An echo-shaped server: identity of {@code pod}, the TCP peer as clientIp, X-Forwarded-For as received. */
    public static Server echo(String pod, String namespace, String version, String node) {
        List<Integer> peerPorts = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = start(exchange -> {
            peerPorts.add(exchange.getRemoteAddress().getPort());
            String xff = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
            return "{\"service\":\"echo-service\",\"version\":\"" + version + "\",\"pod\":\"" + pod
                    + "\",\"namespace\":\"" + namespace + "\",\"node\":\"" + node + "\",\"podIp\":\"127.0.0.1\","
                    + "\"hostIp\":\"127.0.0.1\",\"cluster\":\"test\",\"request\":{\"method\":\"GET\",\"path\":\""
                    + exchange.getRequestURI().getPath() + "\",\"host\":\""
                    + exchange.getRequestHeaders().getFirst("Host") + "\",\"clientIp\":\""
                    + exchange.getRemoteAddress().getAddress().getHostAddress() + "\",\"clientPort\":"
                    + exchange.getRemoteAddress().getPort() + ",\"xForwardedFor\":"
                    + (xff == null ? "null" : "\"" + xff + "\"") + "}}";
        });
        return new Server(server, peerPorts);
    }

    /** A caller-shaped server: {@code /call} answers with {@code attempts(url, tries)} as its attempts array. */
    public static Server caller(Function<String, String> attemptJson) {
        HttpServer server = start(exchange -> {
            String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            String url = param(query, "url");
            int tries = Integer.parseInt(param(query, "tries"));
            List<String> attempts = new ArrayList<>();
            for (int i = 1; i <= tries; i++) {
                attempts.add(attemptJson.apply(url).replace("\"attempt\":0", "\"attempt\":" + i));
            }
            return "{\"url\":\"" + url + "\",\"protocol\":\"http\",\"tries\":" + tries + ",\"resolved\":[],"
                    + "\"attempts\":[" + String.join(",", attempts) + "],\"summary\":{}}";
        });
        return new Server(server, List.of());
    }

    /** A server that answers every request with {@code json} (a fixed answer, e.g. echo's behind a NAT). */
    public static Server answering(String json) {
        return new Server(start(exchange -> json), List.of());
    }

    /** The documented attempt JSON of a caller-service /call answer served by {@code pod}. */
    public static String servedAttempt(String pod, String namespace, String version, String clientIpSeen) {
        return "{\"attempt\":0,\"ok\":true,\"status\":200,\"latencyMs\":2.31,\"dnsMs\":0.41,\"connectMs\":0.35,"
                + "\"firstByteMs\":1.9,\"remoteAddress\":\"10.96.0.20:8080\",\"localAddress\":\"127.0.0.1:40222\","
                + "\"served\":{\"service\":\"echo-service\",\"version\":\"" + version + "\",\"pod\":\"" + pod
                + "\",\"namespace\":\"" + namespace + "\",\"node\":\"node-a\",\"podIp\":\"10.244.1.3\","
                + "\"cluster\":\"test\"},\"clientIpSeen\":\"" + clientIpSeen + "\",\"responseHeaders\":{},"
                + "\"body\":null,\"error\":null}";
    }

    public static String failedAttempt(String kind) {
        return "{\"attempt\":0,\"ok\":false,\"status\":null,\"latencyMs\":1.0,\"localAddress\":null,\"served\":null,"
                + "\"clientIpSeen\":null,\"body\":null,\"error\":{\"kind\":\"" + kind + "\",\"message\":\"fake\"}}";
    }

    /** A port nothing listens on (bound, then closed): connecting is refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String param(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static HttpServer start(Function<HttpExchange, String> handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.createContext("/", exchange -> {
                byte[] body = handler.apply(exchange).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running fake; {@code peerPorts} lists the client port of every request (one per connection). */
    public record Server(HttpServer http, List<Integer> peerPorts) implements AutoCloseable {
        public int port() {
            return http.getAddress().getPort();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}

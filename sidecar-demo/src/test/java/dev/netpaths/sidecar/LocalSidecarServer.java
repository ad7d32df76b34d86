package dev.netpaths.sidecar;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server on 127.0.0.1 standing in for the sidecar container in {@code @QuarkusTest}s of the app role:
 * it answers /enrich with the production {@link Enrichment} built from the TCP peer it saw, and /q/health/ready.
 * The packaged sidecar itself is exercised by {@link PodOfTwoContainersIT}.
 */
public class LocalSidecarServer implements QuarkusTestResourceLifecycleManager {

    private static HttpServer server;
    private static int port;

    @Override
    public Map<String, String> start() {
        port = bind(0);
        return Map.of("netpaths.sidecar.url", "http://localhost:" + port);
    }

    static int port() {
        return port;
    }

    /** Takes the sidecar away, as a crashed sidecar container would. */
    static void stopSidecar() {
        server.stop(0);
    }

    /** Brings it back on the same port. */
    static void startSidecar() {
        bind(port);
    }

    private static int bind(int wanted) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/enrich", LocalSidecarServer::enrich);
        server.createContext("/q/health/ready", exchange -> reply(exchange, "{\"status\":\"UP\"}".getBytes()));
        server.start();
        return server.getAddress().getPort();
    }

    private static void enrich(HttpExchange exchange) throws IOException {
        InetSocketAddress peer = exchange.getRemoteAddress();
        Enrichment enrichment = Enrichment.of(ContainerView.observe(), peer.getAddress().getHostAddress(),
                peer.getPort());
        reply(exchange, new ObjectMapper().writeValueAsBytes(enrichment));
    }

    private static void reply(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}

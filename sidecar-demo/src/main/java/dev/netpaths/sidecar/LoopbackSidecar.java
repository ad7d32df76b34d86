package dev.netpaths.sidecar;

import dev.netpaths.wire.Roundtrip.ContainerView;
import dev.netpaths.wire.Roundtrip.Enrichment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The {@code sidecar} container: {@code GET /enrich} and {@code /q/health/*} on a loopback address, served by the
 * JDK's own HTTP server with one thread. It does not start Quarkus, on purpose: a sidecar is a small helper next
 * to the app, and this one costs about half the memory of a second Quarkus JVM in the pod (docs/benchmarks.md).
 */
public final class LoopbackSidecar implements AutoCloseable {

    /** Where the sidecar listens, as {@code host:port}; the manifest sets {@code 127.0.0.1:9090}. */
    public static final String LISTEN_ENV = "NETPATHS_SIDECAR_LISTEN";
    public static final String DEFAULT_LISTEN = "127.0.0.1:9090";
    /** The header the sidecar sends its stamp in, beside the JSON. */
    static final String STAMP_HEADER = "x-netpaths-stamp";
    /** How long a SIGTERM waits for requests in flight. */
    static final int DRAIN_SECONDS = 2;
    private static final String SERVES = "this process runs role sidecar, which serves only GET /enrich"
            + " (and GET /q/health, /q/health/live, /q/health/ready)";
    private static final JsonFactory JSON = new JsonFactory();

    private final HttpServer server;
    private final ContainerView self;

    private LoopbackSidecar(HttpServer server, ContainerView self) {
        this.server = server;
        this.self = self;
    }

    /** Binds {@code listen} (which must be a loopback address) and starts answering. */
    public static LoopbackSidecar start(InetSocketAddress listen, ContainerView self) throws IOException {
        if (!listen.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("role sidecar must listen on loopback only, but " + LISTEN_ENV + " is "
                    + listen.getAddress().getHostAddress() + ":" + listen.getPort() + ": set " + LISTEN_ENV + "="
                    + DEFAULT_LISTEN);
        }
        HttpServer server = HttpServer.create(listen, 0);
        LoopbackSidecar sidecar = new LoopbackSidecar(server, self);
        server.createContext("/", sidecar::handle);
        server.start();
        return sidecar;
    }

    /**
     * Parses {@code host:port} (IPv6 in brackets). A name is resolved, so {@code localhost:9090} works; anything
     * unparseable is an {@link IllegalArgumentException} whose message says what is wrong.
     */
    public static InetSocketAddress parseListen(String value) {
        String v = Objects.requireNonNullElse(value, "").strip();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new IllegalArgumentException(LISTEN_ENV + " must be host:port, like " + DEFAULT_LISTEN + ", not '" + v
                    + "'");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(LISTEN_ENV + " has no valid port (0-65535) in '" + v + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(LISTEN_ENV + " names a host that does not resolve: '" + host + "'");
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address as {@code host:port}. */
    public String address() {
        InetSocketAddress bound = server.getAddress();
        String ip = bound.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + bound.getPort();
    }

    /** Stops accepting, lets requests in flight finish (at most {@link #DRAIN_SECONDS}), then stops. */
    @Override
    public void close() {
        server.stop(DRAIN_SECONDS);
    }

    /** Stops at once, as a crashed sidecar would. */
    void kill() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            boolean known = path.equals("/enrich") || path.equals("/q/health") || path.equals("/q/health/live")
                    || path.equals("/q/health/ready");
            if (!known) {
                reply(exchange, 404, error("Not Found", SERVES));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().add("Allow", "GET");
                reply(exchange, 405, error("Method Not Allowed", exchange.getRequestMethod() + " " + path
                        + " is not served: use GET"));
            } else if (path.equals("/enrich")) {
                InetSocketAddress peer = exchange.getRemoteAddress();
                Enrichment enrichment = Enrichment.of(self, peer.getAddress().getHostAddress(), peer.getPort());
                exchange.getResponseHeaders().add(STAMP_HEADER, enrichment.stamp());
                reply(exchange, 200, json(enrichment));
            } else {
                // The shape of SmallRye Health's answer, which the app's readiness check reads.
                reply(exchange, 200, "{\"status\":\"UP\",\"checks\":[]}".getBytes());
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    // jackson-core alone: jackson-databind would double the classes this small process loads.
    static byte[] json(Enrichment e) {
        return write(g -> {
            g.writeStringField("pod", e.pod());
            g.writeStringField("podIp", e.podIp());
            g.writeStringField("hostname", e.hostname());
            g.writeNumberField("pid", e.pid());
            g.writeStringField("peerSeen", e.peerSeen());
            g.writeNumberField("peerPort", e.peerPort());
            g.writeStringField("stamp", e.stamp());
        });
    }

    static byte[] error(String error, String reason) {
        return write(g -> {
            g.writeStringField("error", error);
            g.writeStringField("reason", reason);
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

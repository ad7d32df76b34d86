package dev.netpaths.sidecar;

import dev.netpaths.wire.Roundtrip;
import dev.netpaths.wire.Roundtrip.ContainerView;
import dev.netpaths.wire.Roundtrip.Enrichment;
import java.io.IOException;
import java.net.URI;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/** The app's side of the localhost hop. Keep-alive is off: every call opens a new loopback connection. */
@Singleton
class SidecarClient {

    private final HttpClient client;
    private final URI base;
    private final long timeoutMillis;
    private final ObjectMapper mapper;

    SidecarClient(Vertx vertx, SidecarConfig config, ObjectMapper mapper) {
        this.base = URI.create(config.url());
        this.timeoutMillis = config.timeout().toMillis();
        this.mapper = mapper;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
                .setConnectTimeout((int) timeoutMillis));
    }

    String enrichUrl() {
        return base.resolve("/enrich").toString();
    }

    /** {@code GET /enrich} on the sidecar, with the addresses of the connection it travelled over. */
    Future<Roundtrip> roundtrip(ContainerView app) {
        long start = System.nanoTime();
        return client.request(options(enrichUrl())).compose(request -> {
            Roundtrip.Connection connection = new Roundtrip.Connection(
                    hostAndPort(request.connection().localAddress()),
                    hostAndPort(request.connection().remoteAddress()));
            return request.send().compose(response -> {
                if (response.statusCode() != 200) {
                    return Future.failedFuture("the sidecar answered " + response.statusCode());
                }
                return response.body().map(body -> {
                    Enrichment sidecar = read(body.getBytes());
                    double latencyMs = (System.nanoTime() - start) / 1_000_000.0;
                    return new Roundtrip(sidecar.sharesNamespacesWith(app), latencyMs, enrichUrl(), connection, app,
                            sidecar);
                });
            });
        });
    }

    /** True when the sidecar's own readiness check answers 200. */
    Future<Boolean> sidecarReady() {
        return client.request(options(base.resolve("/q/health/ready").toString()))
                .compose(request -> request.send())
                .map(response -> response.statusCode() == 200);
    }

    private RequestOptions options(String url) {
        return new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(timeoutMillis);
    }

    private Enrichment read(byte[] body) {
        try {
            return mapper.readValue(body, Enrichment.class);
        } catch (IOException e) {
            throw new IllegalStateException("the sidecar's answer is not an enrichment: " + e.getMessage(), e);
        }
    }

    /** {@code ip:port}, with IPv6 addresses in brackets. */
    static String hostAndPort(SocketAddress address) {
        String ip = address.hostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.port();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}

package dev.netpaths.echo;

import dev.netpaths.wire.UdpReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;

import dev.netpaths.wire.Identity;

/** One JSON reply datagram for every datagram received on {@code netpaths.echo.udp-port}. */
@Singleton
public class UdpEchoServer {

    static final int MAX_ECHOED_BYTES = 512;
    private static final Logger LOG = Logger.getLogger(UdpEchoServer.class);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Identity identity;
    private final EchoConfig config;
    private final ObjectMapper mapper;
    private DatagramSocket socket;

    UdpEchoServer(Vertx vertx, Identity identity, EchoConfig config, ObjectMapper mapper) {
        this.vertx = vertx;
        this.identity = identity;
        this.config = config;
        this.mapper = mapper;
    }

    /** Binds at startup; a port that cannot be bound fails the start instead of leaving a silent pod. */
    void start(@Observes StartupEvent event) throws InterruptedException, ExecutionException, TimeoutException {
        DatagramSocket created = vertx.createDatagramSocket();
        created.handler(this::reply);
        socket = created.listen(config.udpPort(), "0.0.0.0").toCompletionStage().toCompletableFuture()
                .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("UDP echo listening on 0.0.0.0:%d", port());
    }

    void stop(@Observes ShutdownEvent event) {
        if (socket != null) {
            socket.close();
        }
    }

    /** The bound port: the configured one, or the one the kernel chose for port 0. */
    public int port() {
        return socket.localAddress().port();
    }

    private void reply(DatagramPacket packet) {
        Buffer data = packet.data();
        String received = data.getBuffer(0, Math.min(data.length(), MAX_ECHOED_BYTES)).toString(StandardCharsets.UTF_8);
        UdpReply reply = UdpReply.of(identity, packet.sender().hostAddress(), packet.sender().port(),
                received);
        try {
            socket.send(Buffer.buffer(mapper.writeValueAsBytes(reply)), packet.sender().port(),
                    packet.sender().hostAddress());
        } catch (JsonProcessingException e) {
            LOG.error("Cannot serialise the UDP reply", e);
        }
    }
}

package dev.netpaths.conformance.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.Identity;
import dev.netpaths.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Warms the host probe up before any path is measured, as JMH warms a benchmark up: a run makes a few hundred
 * requests per path at most, too few for the JIT to compile the socket, parsing and JSON code they go through, and
 * an interpreted client adds about half a millisecond to every latency it reports (measured against a warm curl
 * in scripts/bench/harness.sh). It goes through the very code a measurement does ({@link HostProbe#http}: the
 * request, the exchange, reading echo-service's identity JSON), in probes of {@link #TRIES_PER_PROBE} tries, so
 * that what is left to compile does not compete for the CPU while a path is being measured. It talks only to a
 * server of its own on this host's loopback, which answers in echo-service's shape.
 */
public final class ClientWarmUp {
    /** As many tries per probe as PathRunner's measuring probe of a path expected to answer. */
    static final int TRIES_PER_PROBE = 30;
    /** An echo reply in echo-service's shape (wire's {@link EchoReply}), written as echo-service writes it. */
    private static final byte[] RESPONSE = response(EchoReply.of(
            new Identity("echo-service", "v1", "warm-up", "netpaths", "localhost", "127.0.0.1", "127.0.0.1", "warm-up"),
            new EchoReply.Request("GET", "/echo", "", "warm-up.netpaths.test", Map.of(
                    "host", List.of("warm-up.netpaths.test"), "user-agent", List.of("netpaths-conformance"),
                    "accept", List.of("application/json"), "connection", List.of("close")),
                    "", 0, false, "127.0.0.1", 40000, null, null, null)));

    private ClientWarmUp() {}

    /** @return the requests made: {@code requests}, fewer when the budget ran out, 0 when loopback is unusable */
    public static int run(int requests, Duration budget) {
        try (ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answer(server), "netpaths-warm-up");
            answering.setDaemon(true);
            answering.start();
            long deadline = System.nanoTime() + budget.toNanos();
            int made = 0;
            while (made < requests && System.nanoTime() < deadline) {
                int tries = Math.min(TRIES_PER_PROBE, requests - made);
                Observation probe = HostProbe.http("127.0.0.1", server.getLocalPort(), "/echo",
                        "warm-up.netpaths.test", Map.of(), tries, Duration.ofSeconds(1));
                if (probe.okCount() == 0) {
                    return made; // the loopback server stopped answering: measure with what is compiled
                }
                made += tries;
            }
            return made;
        } catch (IOException e) {
            return 0; // no usable loopback here: the run measures with a cold client rather than not at all
        }
    }

    private static void answer(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                skipRequestHead(socket.getInputStream());
                socket.getOutputStream().write(RESPONSE);
            } catch (IOException closedOrReset) {
                // the server closes when the warm-up ends; a reset client only ends its own exchange
            }
        }
    }

    private static byte[] response(EchoReply reply) {
        byte[] json;
        try {
            json = Wire.MAPPER.writeValueAsBytes(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an echo reply", e);
        }
        byte[] head = ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: "
                + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + json.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(json, 0, all, head.length, json.length);
        return all;
    }

    /** Reads up to the blank line that ends the request head (the warm-up sends no body). */
    private static void skipRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b != -1; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return;
            }
        }
    }
}

package dev.netpaths.conformance.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Warms the host probe's HTTP client up before any path is measured, as JMH warms a benchmark up: a run makes a
 * few hundred requests per path at most, too few for the JIT to compile the socket and parsing code they go
 * through, and an interpreted client adds about half a millisecond to every latency it reports (measured against
 * a warm curl in scripts/bench/harness.sh). It talks only to a server of its own on this host's loopback.
 */
public final class ClientWarmUp {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII);

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
                HttpOnce.get("127.0.0.1", server.getLocalPort(), "/", null, Map.of(), Duration.ofSeconds(1));
                made++;
            }
            return made;
        } catch (IOException | ProbeException e) {
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

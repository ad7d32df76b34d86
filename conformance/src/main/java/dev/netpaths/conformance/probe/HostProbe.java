package dev.netpaths.conformance.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Probes from the harness's own host (external paths): each try a new TCP connection or a new UDP socket. */
public final class HostProbe {

    private HostProbe() {}

    public static Observation http(String ip, int port, String path, String hostHeader, Map<String, String> headers,
                                   int tries, Duration timeout) {
        return http(ip, port, path, hostHeader, headers, tries, timeout, Budget.NONE);
    }

    /**
     * How far a probe may go: until a deadline ({@code System.nanoTime()}), and whether it stops at its first
     * failed try. A convergence poll uses both, so a dropped path costs one timeout per poll and no poll outlives
     * the convergence window; a try's timeout is cut to what is left.
     */
    public record Budget(long deadlineNanos, boolean stopAtFirstFailure) {
        public static final Budget NONE = new Budget(Long.MAX_VALUE, false);

        /** The try's timeout, cut to the time left; zero or less: no time for another try. */
        Duration cut(Duration timeout) {
            if (deadlineNanos == Long.MAX_VALUE) {
                return timeout;
            }
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            return Duration.ofMillis(Math.min(timeout.toMillis(), left));
        }

        boolean stops(List<Attempt> attempts) {
            return stopAtFirstFailure && !attempts.isEmpty() && !attempts.get(attempts.size() - 1).ok();
        }
    }

    public static Observation http(String ip, int port, String path, String hostHeader, Map<String, String> headers,
                                   int tries, Duration fullTimeout, Budget budget) {
        List<Attempt> attempts = new ArrayList<>();
        byte[] request = HttpOnce.request(ip, port, path, hostHeader, headers);
        for (int i = 0; i < tries && !budget.stops(attempts); i++) {
            Duration timeout = budget.cut(fullTimeout);
            if (timeout.toMillis() <= 0) {
                break;
            }
            long start = System.nanoTime();
            try {
                HttpOnce.Response r = HttpOnce.send(ip, port, request, timeout);
                // The latency is HttpOnce's clock (connect to last byte, as curl's time_total); the answer is
                // read after it stopped.
                attempts.add(EchoJson.attempt(r.status(), r.latencyMs(), r.localIp(), r.body()));
            } catch (ProbeException e) {
                attempts.add(Attempt.failed(e.kind(), e.getMessage(), millisSince(start), null));
            }
        }
        return Observation.of(attempts);
    }

    /** UDP: one datagram per try from a fresh socket (a new source port, so a new conntrack flow). */
    public static Observation udp(String ip, int port, int tries, Duration timeout) {
        return udp(ip, port, tries, timeout, Budget.NONE);
    }

    public static Observation udp(String ip, int port, int tries, Duration fullTimeout, Budget budget) {
        List<Attempt> attempts = new ArrayList<>();
        byte[] payload = "netpaths-conformance".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < tries && !budget.stops(attempts); i++) {
            Duration timeout = budget.cut(fullTimeout);
            if (timeout.toMillis() <= 0) {
                break;
            }
            long start = System.nanoTime();
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout((int) timeout.toMillis());
                socket.connect(new InetSocketAddress(ip, port));
                socket.send(new DatagramPacket(payload, payload.length));
                DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
                socket.receive(reply);
                String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
                Optional<JsonNode> json = Json.object(text);
                Optional<Served> served = json.flatMap(EchoJson::served);
                attempts.add(new Attempt(true, null, millisSince(start), served.orElse(null),
                        socket.getLocalAddress().isAnyLocalAddress() ? null
                                : socket.getLocalAddress().getHostAddress(),
                        served.isPresent() ? EchoJson.clientIp(json.get()) : null, null, null, null,
                        served.isPresent() ? null : EchoJson.cap(text)));
            } catch (SocketTimeoutException e) {
                attempts.add(Attempt.failed(ErrorKind.READ_TIMEOUT, "no UDP reply within " + timeout.toMillis()
                        + " ms", millisSince(start), null));
            } catch (IOException e) {
                attempts.add(Attempt.failed(ErrorKind.of(e, true), e.getMessage(), millisSince(start), null));
            }
        }
        return Observation.of(attempts);
    }

    static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }
}

package dev.netpaths.conformance.probe;

import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.ErrorInfo;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.OneShotHttp;
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

    /** The most of a body a try keeps. */
    static final int MAX_BODY = 1 << 20;

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
        OneShotHttp.Request request = request(ip, port, path, hostHeader, headers);
        InetSocketAddress to = new InetSocketAddress(ip, port);
        for (int i = 0; i < tries && !budget.stops(attempts); i++) {
            Duration timeout = budget.cut(fullTimeout);
            if (timeout.toMillis() <= 0) {
                break;
            }
            OneShotHttp.Result r = OneShotHttp.exchange(to, request, null, timeout, MAX_BODY);
            // The latency is the client's clock (connect to last byte, as curl's time_total); the answer is read
            // after it stopped.
            double latencyMs = OneShotHttp.Result.millis(r.totalNanos());
            attempts.add(r.error() == null ? EchoJson.attempt(r.status(), latencyMs, r.localIp(), r.bodyText())
                    : Attempt.failed(r.error().kind(), r.error().message(), latencyMs, null));
        }
        return Observation.of(attempts);
    }

    /** The request bytes of a GET, the same for every try of a probe; Host is the target when none is given. */
    static OneShotHttp.Request request(String ip, int port, String path, String hostHeader,
                                       Map<String, String> headers) {
        List<Map.Entry<String, String>> head = new ArrayList<>();
        head.add(Map.entry("Host", hostHeader != null ? hostHeader : ip + ":" + port));
        head.add(Map.entry("User-Agent", "netpaths-conformance"));
        head.add(Map.entry("Accept", "application/json"));
        head.addAll(headers.entrySet());
        return OneShotHttp.Request.of("GET", path, head, null);
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
                Optional<EchoReply.Seen> seen = EchoReply.Seen.read(text);
                attempts.add(new Attempt(true, null, millisSince(start),
                        seen.map(s -> EchoJson.served(s.served())).orElse(null),
                        socket.getLocalAddress().isAnyLocalAddress() ? null
                                : socket.getLocalAddress().getHostAddress(),
                        seen.map(EchoReply.Seen::clientIp).orElse(null), null, null, null,
                        seen.isPresent() ? null : EchoJson.cap(text)));
            } catch (SocketTimeoutException e) {
                attempts.add(Attempt.failed(ErrorKind.READ_TIMEOUT, "no UDP reply within " + timeout.toMillis()
                        + " ms", millisSince(start), null));
            } catch (IOException e) {
                // as caller-service's UdpProbe: the class name when the exception has no message (a refusal's has none)
                ErrorInfo error = ErrorInfo.classify(ErrorKind.Phase.EXCHANGE, e);
                attempts.add(Attempt.failed(error.kind(), error.message(), millisSince(start), null));
            }
        }
        return Observation.of(attempts);
    }

    static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }
}

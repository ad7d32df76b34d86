package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.OneShotHttp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.support.FakeServers;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The probes against real local processes: echo- and caller-shaped HTTP servers, a UDP echo, dead ports. */
class ProbeAgainstLocalProcessesTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Topology.Pod CALLER = new Topology.Pod("netpaths", "caller-x", "node-a", "127.0.0.1", "127.0.0.1",
            Map.of(), true);

    @Test
    void everyHostTryOpensANewConnectionAndReadsWhoServed() {
        try (FakeServers.Server echo = FakeServers.echo("echo-a", "netpaths", "v1", "node-a")) {
            Observation o = HostProbe.http("127.0.0.1", echo.port(), "/echo", "ingress.netpaths.test",
                    Map.of("X-Forwarded-For", "203.0.113.9"), 5, TIMEOUT);
            assertEquals(5, o.okCount());
            assertEquals(5, new HashSet<>(echo.peerPorts()).size(), "5 tries must be 5 connections (5 client ports)");
            Attempt first = o.attempts().get(0);
            assertEquals("echo-a", first.served().pod());
            assertEquals("127.0.0.1", first.clientIpSeen());
            assertEquals("127.0.0.1", first.sourceIp());
            assertEquals("203.0.113.9", first.forwardedFor());
            assertEquals(Map.of("echo-a", 5L), o.backends());
        }
    }

    @Test
    void chunkedAnswersAreDecoded() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, 0); // length 0 = chunked
            exchange.getResponseBody().write("default backend - 404".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            OneShotHttp.Result r = OneShotHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    HostProbe.request("127.0.0.1", port, "/nope", "x.test", Map.of()), null, TIMEOUT,
                    HostProbe.MAX_BODY);
            assertEquals(404, r.status());
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals("default backend - 404", r.bodyText());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aClosedPortIsClassifiedAsRefused() {
        Observation o = HostProbe.http("127.0.0.1", FakeServers.closedPort(), "/", null, Map.of(), 2, TIMEOUT);
        assertEquals(Map.of("REFUSED", 2L), o.errors());
    }

    @Test
    void aListenerThatNeverAnswersIsAReadTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Observation o = HostProbe.http("127.0.0.1", silent.getLocalPort(), "/", null, Map.of(), 1,
                    Duration.ofMillis(300));
            assertEquals(Map.of("READ_TIMEOUT", 1L), o.errors());
        }
    }

    @Test
    void udpTriesUseFreshSocketsAndReadTheEchoIdentity() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Set<Integer> sourcePorts = new HashSet<>();
            Thread responder = new Thread(() -> {
                byte[] buffer = new byte[1024];
                try {
                    for (int i = 0; i < 3; i++) {
                        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                        server.receive(in);
                        sourcePorts.add(in.getPort());
                        byte[] reply = ("{\"service\":\"echo-service\",\"pod\":\"echo-u\",\"namespace\":\"netpaths\","
                                + "\"version\":\"v1\",\"protocol\":\"udp\",\"clientIp\":\"127.0.0.1\",\"clientPort\":"
                                + in.getPort() + ",\"received\":\"x\"}").getBytes(StandardCharsets.UTF_8);
                        server.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            responder.start();
            Observation o = HostProbe.udp("127.0.0.1", server.getLocalPort(), 3, TIMEOUT);
            responder.join(5000);
            assertEquals(3, o.okCount());
            assertEquals("echo-u", o.attempts().get(2).served().pod());
            assertEquals("127.0.0.1", o.attempts().get(0).clientIpSeen());
            assertEquals(3, sourcePorts.size(), "each UDP try must come from a new source port");
        }
    }

    @Test
    void udpWithoutAListenerFailsWithoutAnAnswer() {
        Observation o = HostProbe.udp("127.0.0.1", FakeServers.closedPort(), 1, Duration.ofMillis(500));
        assertEquals(0, o.okCount());
        assertTrue(Set.of(ErrorKind.REFUSED, ErrorKind.READ_TIMEOUT).contains(o.attempts().get(0).error()),
                o.attempts().toString());
        // a refusal says what refused, as caller-service's UdpProbe does (the JDK's exception has no message)
        if (o.attempts().get(0).error() == ErrorKind.REFUSED) {
            assertEquals("PortUnreachableException", o.attempts().get(0).errorMessage(), o.attempts().toString());
        }
    }

    @Test
    void directChannelReadsTheDocumentedCallJson() throws ProbeException {
        try (FakeServers.Server caller = FakeServers.caller(url -> url.contains("does-not-exist")
                ? FakeServers.failedAttempt("DNS_FAILURE")
                : FakeServers.servedAttempt("echo-b", "netpaths", "v1", "10.244.1.5"))) {
            CallerChannel channel = new DirectCallerChannel(caller.port());
            Observation ok = channel.call(CALLER, new CallRequest("http://echo:8080/echo", 4, 1000, Map.of()));
            assertEquals(4, ok.okCount());
            assertEquals("echo-b", ok.attempts().get(0).served().pod());
            assertEquals("10.244.1.5", ok.attempts().get(0).clientIpSeen());
            assertEquals("127.0.0.1", ok.attempts().get(0).sourceIp(), "source = localAddress without the port");
            assertEquals(2.31, ok.latency().p50());

            Observation dns = channel.call(CALLER, new CallRequest("http://does-not-exist:8080/", 2, 1000, Map.of()));
            assertEquals(Map.of("DNS_FAILURE", 2L), dns.errors());
            assertNull(dns.attempts().get(0).served());
        }
    }

    @Test
    void anUnreachableCallerIsAHarnessProblemNotAPathResult() {
        CallerChannel channel = new DirectCallerChannel(FakeServers.closedPort());
        ProbeException e = assertThrows(ProbeException.class,
                () -> channel.call(CALLER, new CallRequest("http://echo:8080/", 1, 500, Map.of())));
        assertEquals(ErrorKind.REFUSED, e.kind());
    }

    @Test
    void callQueryCarriesUrlTriesTimeoutAndHeaders() {
        assertEquals("url=http%3A%2F%2F172.18.255.201%3A80%2Fv1%2Fecho&tries=3&timeoutMs=3000"
                        + "&header=Host%3Aingress.netpaths.test",
                new CallRequest("http://172.18.255.201:80/v1/echo", 3, 3000,
                        Map.of("Host", "ingress.netpaths.test")).query());
    }

    @Test
    void latencyPercentilesUseNearestRank() {
        LatencyStats s = LatencyStats.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0));
        assertEquals(new LatencyStats(5, 1.0, 3.0, 5.0, 5.0), s);
    }
}

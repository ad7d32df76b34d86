package dev.netpaths.caller;

import dev.netpaths.testsupport.TcpFixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A loopback UDP echo replying echo-service's UDP JSON (to every datagram or only the first few), or staying silent. */
final class UdpFixtures implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatagramSocket socket;

    private UdpFixtures(String pod, int answers) {
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TcpFixtures.daemon(() -> {
            byte[] buffer = new byte[2048];
            int answered = 0;
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                if (answered < answers) {
                    answered++;
                    byte[] reply = reply(pod, packet);
                    socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            }
        });
    }

    static UdpFixtures echo(String pod) {
        return new UdpFixtures(pod, Integer.MAX_VALUE);
    }

    /** Replies to the first {@code answers} datagrams, then to none. */
    static UdpFixtures echoFirst(String pod, int answers) {
        return new UdpFixtures(pod, answers);
    }

    static UdpFixtures silent() {
        return new UdpFixtures(null, 0);
    }

    /** A loopback UDP port with nothing bound: the kernel answers ICMP port unreachable. */
    static int closedPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }

    private static byte[] reply(String pod, DatagramPacket packet) throws IOException {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("service", "echo-service");
        reply.put("version", "v1");
        reply.put("pod", pod);
        reply.put("namespace", "netpaths");
        reply.put("node", "test-node");
        reply.put("podIp", "127.0.0.1");
        reply.put("hostIp", "127.0.0.1");
        reply.put("cluster", "test");
        reply.put("protocol", "udp");
        reply.put("clientIp", packet.getAddress().getHostAddress());
        reply.put("clientPort", packet.getPort());
        reply.put("received", new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        return JSON.writeValueAsBytes(reply);
    }
}

package dev.netpaths.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** UDP echo over a real loopback socket, on the random port the test profile binds. */
@QuarkusTest
class UdpEchoTest {

    @Inject
    UdpEchoServer server;

    @Inject
    ObjectMapper mapper;

    @Test
    void everyDatagramGetsOneReplySayingWhoAnsweredAndWhoAsked() throws IOException {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(3000);
            for (String payload : new String[] { "ping 1", "ping 2" }) {
                JsonNode reply = exchange(client, payload);

                assertEquals("echo-service", reply.get("service").asText());
                assertEquals("echo-test-pod", reply.get("pod").asText());
                assertEquals("netpaths-test", reply.get("namespace").asText());
                assertEquals("10.244.1.3", reply.get("podIp").asText());
                assertEquals("local", reply.get("cluster").asText());
                assertEquals("udp", reply.get("protocol").asText());
                assertEquals("127.0.0.1", reply.get("clientIp").asText());
                assertEquals(client.getLocalPort(), reply.get("clientPort").asInt());
                assertEquals(payload, reply.get("received").asText());
            }
        }
    }

    @Test
    void receivedIsCappedAt512Bytes() throws IOException {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(3000);

            JsonNode reply = exchange(client, "x".repeat(1400));

            assertEquals("x".repeat(UdpEchoServer.MAX_ECHOED_BYTES), reply.get("received").asText());
        }
    }

    private JsonNode exchange(DatagramSocket client, String payload) throws IOException {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), server.port()));
        DatagramPacket reply = new DatagramPacket(new byte[8192], 8192);
        client.receive(reply);
        return mapper.readTree(reply.getData(), 0, reply.getLength());
    }
}

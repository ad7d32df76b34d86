package dev.netpaths.caller;

import dev.netpaths.wire.ErrorInfo;
import dev.netpaths.wire.ErrorKind.Phase;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;

/** One datagram on a new connected socket, and the one reply it waits for. */
final class UdpProbe {
    private static final int MAX_DATAGRAM = 65535;

    private UdpProbe() {
    }

    /** Never throws; no reply within the timeout is READ_TIMEOUT, an ICMP port unreachable is REFUSED. */
    static Exchange exchange(InetAddress address, int port, byte[] payload, int timeoutMs, int maxBytes) {
        Exchange ex = new Exchange();
        ex.remoteAddress = IpLiteral.socketText(address, port);
        long start = System.nanoTime();
        Phase phase = Phase.CONNECT;
        // Connected, so the kernel delivers only the target's replies and reports its ICMP errors to us.
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(address, port);
            ex.localAddress = IpLiteral.socketText(socket.getLocalAddress(), socket.getLocalPort());
            phase = Phase.EXCHANGE;
            long sent = System.nanoTime();
            socket.send(new DatagramPacket(payload, payload.length));
            socket.setSoTimeout(timeoutMs);
            DatagramPacket reply = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
            socket.receive(reply);
            ex.firstByteMs = Timing.since(sent);
            ex.body = Arrays.copyOf(reply.getData(), Math.min(reply.getLength(), maxBytes));
            ex.truncated = reply.getLength() > maxBytes;
        } catch (IOException e) {
            ex.error = ErrorInfo.classify(phase, e);
        }
        ex.latencyMs = Timing.since(start);
        return ex;
    }
}

package dev.netpaths.caller;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The pod's view of DNS, made local: a resolv.conf as the lab writes it (search list, ndots:5), a hosts file,
 * and a tiny DNS server on 127.0.0.1:0 answering A records from {@link #ZONE}. Nothing leaves the machine and
 * nothing waits on an unreachable server.
 */
public class TestNetwork implements QuarkusTestResourceLifecycleManager {
    /** Names the test DNS server knows; every other name is NXDOMAIN. */
    static final Map<String, String> ZONE = Map.of(
            "echo.netpaths.svc.cluster.local.", "127.0.0.1",
            "echo.netpaths-other.svc.cluster.local.", "127.0.0.3",
            // ndots: a name with 5 dots is tried as is first, one with 4 after the search list.
            "host.a.b.c.d.e.", "127.0.0.4",
            "host.a.b.c.d.e.netpaths.svc.cluster.local.", "127.0.0.5",
            "host.a.b.c.d.netpaths.svc.cluster.local.", "127.0.0.6",
            "host.a.b.c.d.", "127.0.0.7");
    /** Queries for this name are swallowed, to prove DNS time is bounded. */
    static final String SILENT_NAME = "blackhole.netpaths.svc.cluster.local.";
    /** Every query for this name is answered SERVFAIL: a server that is up but cannot answer (upstream down). */
    static final String SERVFAIL_NAME = "broken.upstream.test.";
    static final List<String> SEARCH = List.of("netpaths.svc.cluster.local", "svc.cluster.local", "cluster.local");

    private DatagramSocket socket;
    private Thread server;

    @Override
    public Map<String, String> start() {
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            Path dir = Files.createTempDirectory("caller-dns");
            Path resolvConf = Files.writeString(dir.resolve("resolv.conf"),
                    "nameserver 10.96.0.10\nsearch " + String.join(" ", SEARCH) + "\noptions ndots:5\n");
            Path hosts = Files.writeString(dir.resolve("hosts"), """
                    127.0.0.1 localhost
                    169.254.169.254 metadata.internal.cluster.local
                    127.0.0.2 target.allowed.test
                    """);
            server = new Thread(this::serve, "test-dns");
            server.setDaemon(true);
            server.start();
            return Map.of(
                    "netpaths.caller.dns.resolv-conf", resolvConf.toString(),
                    "netpaths.caller.dns.hosts-file", hosts.toString(),
                    // resolv.conf has no port syntax; the override points at this server instead of 10.96.0.10.
                    "netpaths.caller.dns.nameservers", "127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        socket.close();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                if (question.getName().toString().equalsIgnoreCase(SILENT_NAME)) {
                    continue;
                }
                byte[] answer = answer(query, question).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a malformed query: ignore it, as a real server would
            }
        }
    }

    private static Message answer(Message query, Record question) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RD);
        response.getHeader().setFlag(Flags.RA);
        response.addRecord(question, Section.QUESTION);
        String ip = ZONE.get(question.getName().toString().toLowerCase());
        if (question.getName().toString().equalsIgnoreCase(SERVFAIL_NAME)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (ip == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (question.getType() == Type.A) {
            response.addRecord(new ARecord(question.getName(), DClass.IN, 5, InetAddress.getByName(ip)), Section.ANSWER);
        }
        return response; // a known name asked for another type: NOERROR without answers (NODATA)
    }
}

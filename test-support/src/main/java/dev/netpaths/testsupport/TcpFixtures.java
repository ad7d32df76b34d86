package dev.netpaths.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback TCP servers that misbehave in exactly one way each (for the HTTP clients of caller-service and wire), a
 * round-robin balancer, a port whose connects time out and a closed port.
 */
public final class TcpFixtures {
    private TcpFixtures() {
    }

    /** What a {@link RawServer} does with each accepted connection. */
    public interface Behaviour {
        void handle(Connection connection) throws IOException;
    }

    /** What a server writes once it has read the request head. */
    public interface Answer {
        void write(OutputStream out) throws IOException;
    }

    /** One accepted connection; the request heads it reads are kept by its server ({@link RawServer#requests()}). */
    public static final class Connection {
        private final Socket socket;
        private final List<String> heads;

        Connection(Socket socket, List<String> heads) {
            this.socket = socket;
            this.heads = heads;
        }

        public Socket socket() {
            return socket;
        }

        /** Consumes the request line and headers (up to the blank line), and records them. */
        public String readRequestHead() throws IOException {
            String head = TcpFixtures.readRequestHead(socket.getInputStream());
            heads.add(head);
            return head;
        }
    }

    /** Reads the request head, then writes what {@code answer} writes and closes. */
    public static Behaviour answers(Answer answer) {
        return connection -> {
            connection.readRequestHead();
            OutputStream out = connection.socket().getOutputStream();
            answer.write(out);
            out.flush();
        };
    }

    /** Reads the request head, then writes {@code response} and closes. */
    public static Behaviour replies(String response) {
        return answers(out -> out.write(response.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /**
     * Writes {@code greeting} as soon as the connection opens, before reading anything (as SSH does, or as a
     * plain HTTP server seems to a TLS client), then drains the input so closing sends no RST.
     */
    public static Behaviour speaksFirst(String greeting) {
        return connection -> {
            OutputStream out = connection.socket().getOutputStream();
            out.write(greeting.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            connection.socket().getInputStream().transferTo(OutputStream.nullOutputStream());
        };
    }

    /** Reads the request head, then never answers (until the test closes the server). */
    public static final Behaviour SILENT = connection -> {
        connection.readRequestHead();
        connection.socket().getInputStream().read();
    };

    /** Reads the request head, then aborts the connection: SO_LINGER 0 makes close() send a RST. */
    public static final Behaviour RESETS = connection -> {
        connection.readRequestHead();
        connection.socket().setSoLinger(true, 0);
    };

    /** A server on a loopback address that counts the connections it accepts and keeps the request heads read. */
    public static final class RawServer implements AutoCloseable {
        public final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket socket;
        private final List<Socket> open = new ArrayList<>();
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

        public RawServer(String address, Behaviour behaviour) {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getByName(address));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            daemon(() -> {
                while (!socket.isClosed()) {
                    Socket connection = socket.accept();
                    accepted.incrementAndGet();
                    synchronized (open) {
                        open.add(connection);
                    }
                    daemon(() -> {
                        try (connection) {
                            behaviour.handle(new Connection(connection, requests));
                        }
                    });
                }
            });
        }

        public RawServer(Behaviour behaviour) {
            this("127.0.0.1", behaviour);
        }

        public int port() {
            return socket.getLocalPort();
        }

        /** The request heads read so far, in the order they were read. */
        public List<String> requests() {
            return requests;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket connection : open) {
                    connection.close();
                }
            }
        }
    }

    /** Forwards each new connection to the next backend in turn, as a Service's per-connection balancing does. */
    public static final class Balancer implements AutoCloseable {
        public final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket socket;

        public Balancer(List<Integer> backendPorts) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(() -> {
                while (!socket.isClosed()) {
                    Socket client = socket.accept();
                    int backend = backendPorts.get(accepted.getAndIncrement() % backendPorts.size());
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), backend);
                    daemon(() -> pipe(client, upstream));
                    daemon(() -> pipe(upstream, client));
                }
            });
        }

        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private static void pipe(Socket from, Socket to) throws IOException {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
            }
        }
    }

    /**
     * A listening port whose accept queue is full (it never accepts): further SYNs are dropped, so a connect
     * times out, deterministically and without sending anything off this machine.
     */
    public static final class FullBacklog implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> fillers = new ArrayList<>();

        public FullBacklog() throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            for (int i = 0; i < 16; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 500);
                    fillers.add(filler);
                } catch (SocketTimeoutException full) {
                    filler.close();
                    return;
                }
            }
            throw new IllegalStateException("the accept queue never filled up");
        }

        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket filler : fillers) {
                filler.close();
            }
            socket.close();
        }
    }

    /** A loopback port with nothing listening. */
    public static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Consumes the request line and headers (up to the blank line). */
    public static String readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public interface IoRunnable {
        void run() throws IOException;
    }

    public static void daemon(IoRunnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (IOException ignored) {
                // the fixture was closed, or the peer went away: either ends this thread
            }
        });
        thread.setDaemon(true);
        thread.start();
    }
}

package dev.netpaths.caller;

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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback TCP servers that misbehave in exactly one way each, and a round-robin balancer. */
final class TcpFixtures {
    private TcpFixtures() {
    }

    /** What a {@link RawServer} does with each accepted connection. */
    interface Behaviour {
        void handle(Socket connection) throws IOException;
    }

    /** Reads the request head, then writes {@code response} and closes. */
    static Behaviour replies(String response) {
        return connection -> {
            readRequestHead(connection.getInputStream());
            connection.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
        };
    }

    /**
     * Writes {@code greeting} as soon as the connection opens, before reading anything (as SSH does, or as a
     * plain HTTP server seems to a TLS client), then drains the input so closing sends no RST.
     */
    static Behaviour speaksFirst(String greeting) {
        return connection -> {
            connection.getOutputStream().write(greeting.getBytes(StandardCharsets.ISO_8859_1));
            connection.getInputStream().transferTo(OutputStream.nullOutputStream());
        };
    }

    /** Reads the request head, then never answers (until the test closes the server). */
    static final Behaviour SILENT = connection -> {
        readRequestHead(connection.getInputStream());
        connection.getInputStream().read();
    };

    /** Reads the request head, then aborts the connection: SO_LINGER 0 makes close() send a RST. */
    static final Behaviour RESETS = connection -> {
        readRequestHead(connection.getInputStream());
        connection.setSoLinger(true, 0);
    };

    /** A server on a loopback address that counts the connections it accepts. */
    static final class RawServer implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket socket;
        private final List<Socket> open = new ArrayList<>();

        RawServer(String address, Behaviour behaviour) {
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
                            behaviour.handle(connection);
                        }
                    });
                }
            });
        }

        RawServer(Behaviour behaviour) {
            this("127.0.0.1", behaviour);
        }

        int port() {
            return socket.getLocalPort();
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
    static final class Balancer implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket socket;

        Balancer(List<Integer> backendPorts) throws IOException {
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

        int port() {
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
    static final class FullBacklog implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> fillers = new ArrayList<>();

        FullBacklog() throws IOException {
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

        int port() {
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
    static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Consumes the request line and headers (up to the blank line). */
    static String readRequestHead(InputStream in) throws IOException {
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

    interface IoRunnable {
        void run() throws IOException;
    }

    static void daemon(IoRunnable body) {
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

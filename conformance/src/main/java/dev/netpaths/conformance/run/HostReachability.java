package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.Environment;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether this host can route to an address: on a local IPv4 subnet, or a bounded TCP connect gets any answer
 * (a refusal is an answer). Docker Desktop on macOS/Windows keeps the kind network inside its VM (kind#3482).
 */
public final class HostReachability implements Environment.HostNetwork {

    static final int CONNECT_TIMEOUT_MS = 2000;

    private final Map<String, Optional<String>> verdicts = new ConcurrentHashMap<>();

    @Override
    public Optional<String> whyUnroutable(String ip, int port) {
        return verdicts.computeIfAbsent(ip + ":" + port, key -> judge(ip, port));
    }

    private static Optional<String> judge(String ip, int port) {
        if (onLocalSubnet(ip)) {
            return Optional.empty();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MS);
            return Optional.empty();
        } catch (ConnectException e) {
            if (String.valueOf(e.getMessage()).contains("refused")) {
                return Optional.empty();
            }
            return Optional.of(unroutable(ip, port, e));
        } catch (IOException e) {
            return Optional.of(unroutable(ip, port, e));
        }
    }

    private static String unroutable(String ip, int port, IOException e) {
        return ip + " is not routable from this host (no local interface on its subnet; a " + CONNECT_TIMEOUT_MS
                + " ms connect to port " + port + " failed: " + e.getMessage() + "). On macOS/Windows Docker the "
                + "cluster network stays inside Docker's VM (kind#3482): run the harness on Linux or in the lab";
    }

    /** The host's IPv4 addresses (for the report). */
    public static List<String> localAddresses() {
        return interfaceAddresses().stream().map(a -> a.getAddress().getHostAddress()).sorted().toList();
    }

    static boolean onLocalSubnet(String ip) {
        try {
            byte[] target = InetAddress.getByName(ip).getAddress();
            return interfaceAddresses().stream().anyMatch(a -> a.getNetworkPrefixLength() < 32
                    && samePrefix(a.getAddress().getAddress(), target, a.getNetworkPrefixLength()));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static List<InterfaceAddress> interfaceAddresses() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(HostReachability::up)
                    .flatMap(i -> i.getInterfaceAddresses().stream())
                    .filter(a -> a.getAddress() instanceof Inet4Address && !a.getAddress().isLoopbackAddress())
                    .toList();
        } catch (SocketException e) {
            return List.of();
        }
    }

    private static boolean up(NetworkInterface i) {
        try {
            return i.isUp();
        } catch (SocketException e) {
            return false;
        }
    }
}

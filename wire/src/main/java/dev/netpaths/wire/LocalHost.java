package dev.netpaths.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this machine (or pod) says about itself, without DNS. */
public final class LocalHost {

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private LocalHost() {
    }

    /** The kernel hostname (in a pod: the pod name); read from /proc so that no DNS lookup can hang or fail. */
    public static String hostname() {
        try {
            return Files.readString(KERNEL_HOSTNAME).trim();
        } catch (IOException notLinux) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }

    /** The first IPv4 address of an interface that is up and not loopback, else 127.0.0.1. */
    public static String firstNonLoopbackIpv4() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(LocalHost::isUpAndNotLoopback)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                    .map(InetAddress::getHostAddress)
                    .findFirst()
                    .orElse("127.0.0.1");
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isUpAndNotLoopback(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp() && !networkInterface.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}

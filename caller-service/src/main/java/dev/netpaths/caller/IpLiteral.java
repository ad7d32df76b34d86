package dev.netpaths.caller;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP address literals, parsed without ever asking a resolver. */
final class IpLiteral {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private IpLiteral() {
    }

    /** The address when {@code text} is a dotted-quad IPv4 or an IPv6 literal (brackets optional), else empty. */
    static Optional<InetAddress> parse(String text) {
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        // Only strings of these shapes reach InetAddress, which then parses them without any lookup.
        if (!IPV4.matcher(s).matches() && !s.contains(":")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** {@code ip:port}, with brackets around IPv6. */
    static String socketText(InetAddress address, int port) {
        return text(address) + ":" + port;
    }

    static String text(InetAddress address) {
        String ip = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + ip + "]" : ip;
    }
}

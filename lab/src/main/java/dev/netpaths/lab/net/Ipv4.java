package dev.netpaths.lab.net;

/** IPv4 addresses and CIDRs as numbers; the controllers are IPv4 single-stack like the lab. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static long parse(String ip) {
        String[] parts = ip == null ? new String[0] : ip.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            if (octet < 0 || octet > 255 || part.isEmpty() || part.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            value = value << 8 | octet;
        }
        return value;
    }

    public static String format(long ip) {
        return (ip >> 24 & 255) + "." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255);
    }

    /** An IPv4 CIDR; {@link #parse(String)} accepts a plain address as a /32. */
    public record Cidr(long network, int prefix) {
        public static Cidr parse(String cidr) {
            String text = cidr == null ? "" : cidr.trim();
            int slash = text.indexOf('/');
            if (slash < 0) {
                return new Cidr(Ipv4.parse(text), 32);
            }
            int prefix;
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
            }
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
            }
            long mask = mask(prefix);
            return new Cidr(Ipv4.parse(text.substring(0, slash)) & mask, prefix);
        }

        private static long mask(int prefix) {
            return prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        }

        public long first() {
            return network;
        }

        public long last() {
            return network | ~mask(prefix) & 0xFFFFFFFFL;
        }

        public boolean contains(long ip) {
            return (ip & mask(prefix)) == network;
        }

        public boolean contains(String ip) {
            return contains(Ipv4.parse(ip));
        }

        @Override
        public String toString() {
            return Ipv4.format(network) + "/" + prefix;
        }
    }
}

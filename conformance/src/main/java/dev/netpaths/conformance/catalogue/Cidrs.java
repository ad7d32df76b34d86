package dev.netpaths.conformance.catalogue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether an address is an address or lies in a CIDR (IPv4 or IPv6); literals only, never a DNS look-up. */
public final class Cidrs {

    private Cidrs() {}

    /** @param cidr {@code a.b.c.d/n}, or a plain address (exact match); false for anything unparsable */
    public static boolean contains(String cidr, String address) {
        if (cidr == null || address == null) {
            return false;
        }
        int slash = cidr.indexOf('/');
        byte[] net = bytes(slash < 0 ? cidr : cidr.substring(0, slash));
        byte[] ip = bytes(address);
        if (net == null || ip == null || net.length != ip.length) {
            return false;
        }
        int bits = net.length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
        if (prefix < 0 || prefix > bits) {
            return false;
        }
        BigInteger mask = prefix == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(prefix).subtract(BigInteger.ONE).shiftLeft(bits - prefix);
        return new BigInteger(1, net).and(mask).equals(new BigInteger(1, ip).and(mask));
    }

    private static byte[] bytes(String literal) {
        if (literal.isEmpty() || !literal.matches("[0-9a-fA-F:.]+")) {
            return null; // never a name: getByName would resolve it
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

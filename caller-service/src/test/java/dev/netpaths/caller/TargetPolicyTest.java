package dev.netpaths.caller;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetPolicyTest {
    private static final TargetPolicy DEFAULTS = new TargetPolicy(
            List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7").stream()
                    .map(Cidr::parse).toList(),
            List.of("cluster.local"));

    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow();
    }

    @Test
    void cidrsMatchOnPrefixBits() {
        assertTrue(Cidr.parse("172.16.0.0/12").contains(ip("172.31.255.255")));
        assertFalse(Cidr.parse("172.16.0.0/12").contains(ip("172.32.0.0")));
        assertTrue(Cidr.parse("fc00::/7").contains(ip("fd12::1")));
        assertFalse(Cidr.parse("fc00::/7").contains(ip("fe00::1")));
        // IPv4-mapped IPv6 is the IPv4 address, so it cannot slip past an IPv4 range.
        assertTrue(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
    }

    @Test
    void metadataIsRefusedEvenWhenEverythingIsAllowed() {
        TargetPolicy open = new TargetPolicy(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")), List.of("cluster.local"));
        for (String forbidden : new String[] {"169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254",
                "::ffff:169.254.169.254"}) {
            assertThrows(ForbiddenTargetException.class, () -> open.check(null, List.of(ip(forbidden))), forbidden);
            assertThrows(ForbiddenTargetException.class,
                    () -> open.check("x.cluster.local", List.of(ip("10.0.0.1"), ip(forbidden))), forbidden);
        }
    }

    @Test
    void everyAddressMustBeAllowedUnlessTheNameIsInAnAllowedDomain() {
        assertDoesNotThrow(() -> DEFAULTS.check(null, List.of(ip("10.96.0.10"), ip("::1"))));
        assertThrows(ForbiddenTargetException.class, () -> DEFAULTS.check("example.com", List.of(ip("10.0.0.1"), ip("8.8.8.8"))));
        assertDoesNotThrow(() -> DEFAULTS.check("external.netpaths.svc.cluster.local.", List.of(ip("8.8.8.8"))));
        // A suffix counts only at a label boundary.
        assertThrows(ForbiddenTargetException.class, () -> DEFAULTS.check("evilcluster.local", List.of(ip("8.8.8.8"))));
    }

    @Test
    void literalsAreParsedWithoutAResolver() {
        assertTrue(IpLiteral.parse("metadata.google.internal").isEmpty());
        assertTrue(IpLiteral.parse("2852039166").isEmpty(), "decimal IPv4 forms are names, not addresses");
        assertTrue(IpLiteral.parse("127.1").isEmpty());
        assertTrue(IpLiteral.parse("[::1]").isPresent());
    }
}

package dev.netpaths.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** resolv.conf parsing, libc's candidate order, and nameserver entries (which never need a resolver). */
class ResolvConfTest {
    /** What the lab bind-mounts as a pod's /etc/resolv.conf. */
    private static final ResolvConf LAB = ResolvConf.parse(List.of(
            "# generated",
            "nameserver 10.96.0.10",
            "search netpaths.svc.cluster.local svc.cluster.local cluster.local",
            "options ndots:5 timeout:1"));

    @Test
    void parsesNameserversSearchAndNdots() {
        assertEquals(List.of("10.96.0.10"), LAB.nameservers());
        assertEquals(List.of("netpaths.svc.cluster.local", "svc.cluster.local", "cluster.local"), LAB.search());
        assertEquals(5, LAB.ndots());
    }

    @Test
    void withoutSettingsTheResolverDefaultsApply() {
        ResolvConf empty = ResolvConf.parse(List.of());
        assertEquals(List.of("127.0.0.1"), empty.nameservers());
        assertEquals(List.of(), empty.search());
        assertEquals(1, empty.ndots());
    }

    @Test
    void theLastSearchLineWinsAndNdotsIsCapped() {
        ResolvConf conf = ResolvConf.parse(List.of("domain a.example", "search b.example c.example", "options ndots:40"));
        assertEquals(List.of("b.example", "c.example"), conf.search());
        assertEquals(15, conf.ndots());
    }

    @Test
    void candidatesFollowNdots() {
        assertEquals(List.of("echo.netpaths.svc.cluster.local", "echo.svc.cluster.local", "echo.cluster.local", "echo"),
                LAB.candidates("echo"));
        assertEquals("a.b.c.d.e.f", LAB.candidates("a.b.c.d.e.f").get(0));
        assertEquals("a.b.c.d.e.netpaths.svc.cluster.local", LAB.candidates("a.b.c.d.e").get(0));
        assertEquals(List.of("echo.netpaths"), LAB.candidates("echo.netpaths."));
    }

    @Test
    void nameserversAreAddressesWithOptionalPorts() {
        assertEquals(Optional.of(new InetSocketAddress("10.96.0.10", 53)), DnsResolver.nameserverAddress("10.96.0.10"));
        assertEquals(Optional.of(new InetSocketAddress("127.0.0.1", 5353)), DnsResolver.nameserverAddress("127.0.0.1:5353"));
        assertEquals(53, DnsResolver.nameserverAddress("fd00::a").orElseThrow().getPort());
        assertEquals(5353, DnsResolver.nameserverAddress("[fd00::a]:5353").orElseThrow().getPort());
        assertEquals(Optional.empty(), DnsResolver.nameserverAddress("dns.example"));
    }
}

package dev.netpaths.lab.control;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterDnsTest {
    private final Fixtures.Cluster cluster = Fixtures.cluster();
    private final List<String> args = ClusterDns.dnsmasqArgs(cluster.services(), cluster.slices(), cluster.pods(), "cluster.local");

    @Test
    void answersOnlyForTheClusterDomainWithoutUpstream() {
        assertEquals(List.of("--keep-in-foreground", "--conf-file=/dev/null", "--pid-file=", "--no-resolv", "--no-hosts",
                "--local=/cluster.local/", "--local-ttl=5"), args.subList(0, 7));
        assertTrue(args.stream().noneMatch(a -> a.startsWith("--server")));
    }

    @Test
    void servicesResolveToTheirClusterIp() {
        assertTrue(args.contains("--host-record=echo.netpaths.svc.cluster.local,"
                + cluster.service("netpaths", "echo").getSpec().getClusterIP() + ",5"), args.toString());
        assertTrue(args.contains("--host-record=kube-dns.kube-system.svc.cluster.local,10.96.0.10,5"));
        assertTrue(args.contains("--cname=echo-other.netpaths.svc.cluster.local,echo.netpaths-other.svc.cluster.local,5"));
    }

    @Test
    void headlessServicesListEveryReadyPodWithPerPodNames() {
        List<Pod> v1 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).toList();
        assertEquals(2, v1.size());
        for (Pod pod : v1) {
            String ip = pod.getStatus().getPodIP();
            assertTrue(args.contains("--host-record=echo-headless.netpaths.svc.cluster.local," + ip + ",5"), args.toString());
            assertTrue(args.contains("--host-record=" + ip.replace('.', '-') + ".echo-headless.netpaths.svc.cluster.local," + ip + ",5"));
            assertTrue(args.contains("--host-record=" + ip.replace('.', '-') + ".netpaths.pod.cluster.local," + ip + ",5"));
        }
        String notReady = v1.get(0).getMetadata().getName();
        List<String> withOneDown = ClusterDns.dnsmasqArgs(cluster.services(),
                Fixtures.cluster(notReady).slices(), cluster.pods(), "cluster.local");
        assertFalse(withOneDown.contains("--host-record=echo-headless.netpaths.svc.cluster.local," + v1.get(0).getStatus().getPodIP() + ",5"));
    }

    @Test
    void resolvConfIsKubeletsClusterFirstShape() {
        assertEquals("search netpaths.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
                ClusterDns.resolvConf("netpaths", "10.96.0.10", "cluster.local"));
    }

    @Test
    void dnsmasqAnswersAsClusterDnsWould(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/dnsmasq") && Fixtures.executable("/usr/bin/python3")
                && Fixtures.canTestIptables(), "needs root, dnsmasq and python3");
        java.nio.file.Path script = dir.resolve("dns-probe.sh");
        java.nio.file.Files.writeString(script, Fixtures.resource("dns-probe.sh"));
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "-n", "/bin/sh", script.toString()));
        command.addAll(args);
        List<String> v1 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).map(p -> p.getStatus().getPodIP()).sorted().toList();
        Fixtures.Result result = Fixtures.run(String.join("\n", "echo.netpaths.svc.cluster.local:A",
                "echo-headless.netpaths.svc.cluster.local:A", "_http._tcp.echo-headless.netpaths.svc.cluster.local:SRV",
                "echo-other.netpaths.svc.cluster.local:A", "missing.netpaths.svc.cluster.local:A", "example.com:A"),
                command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        String headless = v1.get(0).replace('.', '-') + ".echo-headless.netpaths.svc.cluster.local";
        assertEquals(List.of(
                "echo.netpaths.svc.cluster.local 0 " + cluster.service("netpaths", "echo").getSpec().getClusterIP(),
                "echo-headless.netpaths.svc.cluster.local 0 " + String.join(" ", v1),
                "_http._tcp.echo-headless.netpaths.svc.cluster.local 0 SRV:8080:" + headless + " SRV:8080:"
                        + v1.get(1).replace('.', '-') + ".echo-headless.netpaths.svc.cluster.local",
                "echo-other.netpaths.svc.cluster.local 0 " + cluster.service("netpaths-other", "echo").getSpec().getClusterIP()
                        + " CNAME:echo.netpaths-other.svc.cluster.local",
                "missing.netpaths.svc.cluster.local 3 ",
                "example.com 5 "), result.output().lines().filter(l -> !l.startsWith("dnsmasq")).toList());
    }

    @Test
    void dnsmasqAcceptsTheArguments() {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/dnsmasq"), "needs dnsmasq");
        List<String> command = new ArrayList<>(List.of("/usr/sbin/dnsmasq", "--test"));
        command.addAll(args);
        Fixtures.Result result = Fixtures.run(null, command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
    }
}

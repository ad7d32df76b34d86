package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterDnsTest {
    private final Fixtures.Cluster cluster = Fixtures.cluster();
    private final List<String> args = ClusterDns.dnsmasqArgs(cluster.services(), cluster.slices(), cluster.pods(), "cluster.local");

    @Test
    void answersOnlyForTheClusterDomainWithoutUpstreamWithKubeadmsTtl() {
        assertEquals(List.of("--keep-in-foreground", "--conf-file=/dev/null", "--pid-file=", "--no-resolv", "--no-hosts",
                "--local=/cluster.local/", "--local=/#/", "--local-ttl=30"), args.subList(0, 8));
        assertTrue(args.stream().noneMatch(a -> a.startsWith("--server")));
    }

    @Test
    void servicesResolveToTheirClusterIp() {
        assertTrue(args.contains("--host-record=echo.netpaths.svc.cluster.local,"
                + cluster.service("netpaths", "echo").getSpec().getClusterIP() + ",30"), args.toString());
        assertTrue(args.contains("--host-record=kube-dns.kube-system.svc.cluster.local,10.96.0.10,30"));
        assertTrue(args.contains("--cname=echo-other.netpaths.svc.cluster.local,echo.netpaths-other.svc.cluster.local,30"));
    }

    @Test
    void headlessServicesListEveryReadyPodWithPerPodNames() {
        List<Pod> v1 = cluster.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).toList();
        assertEquals(2, v1.size());
        for (Pod pod : v1) {
            String ip = pod.getStatus().getPodIP();
            assertTrue(args.contains("--host-record=echo-headless.netpaths.svc.cluster.local," + ip + ",30"), args.toString());
            assertTrue(args.contains("--host-record=" + ip.replace('.', '-') + ".echo-headless.netpaths.svc.cluster.local," + ip + ",30"));
            assertTrue(args.contains("--host-record=" + ip.replace('.', '-') + ".netpaths.pod.cluster.local," + ip + ",30"));
        }
        String notReady = v1.get(0).getMetadata().getName();
        List<String> withOneDown = ClusterDns.dnsmasqArgs(cluster.services(),
                Fixtures.cluster(notReady).slices(), cluster.pods(), "cluster.local");
        assertFalse(withOneDown.contains("--host-record=echo-headless.netpaths.svc.cluster.local," + v1.get(0).getStatus().getPodIP() + ",5"));
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(String yamlSpec) {
        return Manifests.ofType(Manifests.parse("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: netpaths}
                spec: %s
                """.formatted(yamlSpec)), io.fabric8.kubernetes.api.model.Pod.class).get(0);
    }

    /** kubelet pkg/kubelet/network/dns/dns.go: the policy picks the base, dnsConfig is merged into it. */
    @Test
    void resolvConfHonoursDnsPolicyAndDnsConfig() {
        String clusterFirst = "search netpaths.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n";
        assertEquals(clusterFirst, ClusterDns.resolvConf(pod("{containers: []}"), "10.96.0.10", "cluster.local"));
        assertEquals(clusterFirst, ClusterDns.resolvConf(pod("{dnsPolicy: ClusterFirst, containers: []}"), "10.96.0.10", "cluster.local"));
        assertEquals("", ClusterDns.resolvConf(pod("{dnsPolicy: Default, containers: []}"), "10.96.0.10", "cluster.local"),
                "the lab's nodes have no resolver for Default to inherit");
        assertEquals("search example.test\nnameserver 192.0.2.53\noptions ndots:2 edns0\n", ClusterDns.resolvConf(pod("""
                {dnsPolicy: None, dnsConfig: {nameservers: [192.0.2.53], searches: [example.test],
                 options: [{name: ndots, value: "2"}, {name: edns0}]}, containers: []}"""), "10.96.0.10", "cluster.local"));
        assertEquals("search netpaths.svc.cluster.local svc.cluster.local cluster.local extra.test\nnameserver 10.96.0.10\noptions ndots:1\n",
                ClusterDns.resolvConf(pod("{dnsConfig: {searches: [extra.test], options: [{name: ndots, value: \"1\"}]}, containers: []}"),
                        "10.96.0.10", "cluster.local"), "dnsConfig options override the policy's");
        for (String refused : List.of("{dnsPolicy: None, containers: []}", "{dnsPolicy: Bogus, containers: []}",
                "{hostNetwork: true, containers: []}")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ClusterDns.resolvConf(pod(refused), "10.96.0.10", "cluster.local"));
            assertTrue(e.getMessage().startsWith("pod netpaths/p: "), e.getMessage());
        }
    }

    /** CoreDNS's loadbalance shuffles a headless Service's A records; dnsmasq rotates them: the first one changes. */
    @Test
    void aHeadlessServicesFirstAddressChangesFromAnswerToAnswer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/dnsmasq") && Fixtures.executable("/usr/bin/dig")
                && Fixtures.canTestIptables(), "needs root, dnsmasq and dig");
        java.nio.file.Path script = dir.resolve("rotate.sh");
        java.nio.file.Files.writeString(script, """
                ip link set lo up
                dnsmasq --user=root "$@" &
                dns=$!
                trap 'kill $dns 2>/dev/null' EXIT
                for i in 1 2 3 4 5 6; do dig +short +tries=3 +time=1 @127.0.0.1 echo-headless.netpaths.svc.cluster.local | head -n 1; done
                """);
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "-n", "/bin/sh", script.toString()));
        command.addAll(args);
        Fixtures.Result result = Fixtures.run(null, command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        List<String> firsts = result.output().lines().filter(l -> l.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).toList();
        assertEquals(6, firsts.size(), result.output());
        assertTrue(firsts.stream().distinct().count() > 1, "the same first address every time: " + firsts);
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
                // NXDOMAIN, as CoreDNS forwards it upstream, not REFUSED (which glibc reports as a temporary failure)
                "example.com 3 "), result.output().lines().filter(l -> !l.startsWith("dnsmasq")).toList());
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

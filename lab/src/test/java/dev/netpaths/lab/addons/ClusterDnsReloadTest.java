package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.netpaths.lab.api.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A record change reaches dnsmasq as files and a SIGHUP, so the queries arriving meanwhile are all answered. */
class ClusterDnsReloadTest {
    private static final List<String> PROGRAM = List.of("dnsmasq", "--log-facility=-", "--user=root");
    private final Fixtures.Cluster ready = Fixtures.cluster();
    private final Pod down = ready.pods("netpaths", "echo-service").stream()
            .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version"))).findFirst().orElseThrow();
    private final Fixtures.Cluster oneDown = Fixtures.cluster(down.getMetadata().getName());

    private static List<String> args(Fixtures.Cluster c) {
        List<String> args = new ArrayList<>(PROGRAM);
        args.addAll(ClusterDns.dnsmasqArgs(c.services(), c.slices(), c.pods(), "cluster.local"));
        return args;
    }

    private static ClusterDns.Reloadable split(Fixtures.Cluster c, Path dir) {
        return ClusterDns.reloadable(args(c), dir.resolve("hosts").toString(), dir.resolve("servers").toString(), 5354);
    }

    @Test
    void aReadinessChangeLeavesTheAnsweringCommandLineAlone(@TempDir Path dir) {
        ClusterDns.Reloadable before = split(ready, dir);
        ClusterDns.Reloadable after = split(oneDown, dir);
        assertEquals(before.primary(), after.primary(), "the answering dnsmasq would have to restart");
        assertTrue(before.primary().stream().noneMatch(a -> a.startsWith("--host-record") || a.startsWith("--srv-host")));
        String ip = down.getStatus().getPodIP();
        assertTrue(before.hosts().contains(ip + " echo-headless.netpaths.svc.cluster.local\n"), before.hosts());
        assertTrue(!after.hosts().contains(ip + " echo-headless.netpaths.svc.cluster.local\n"), after.hosts());
        assertTrue(before.servers().contains("server=/_http._tcp.echo-headless.netpaths.svc.cluster.local/127.0.0.1#5354\n"),
                before.servers());
        assertTrue(before.srv().containsAll(List.of("--port=5354", "--listen-address=127.0.0.1", "--bind-interfaces")));
        assertTrue(!before.srv().equals(after.srv()), "the headless SRV records follow the ready endpoints");
    }

    @Test
    void reloadingAnswersEveryQueryWhereRestartingRefusesSome(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(Fixtures.executable("/usr/sbin/dnsmasq") && Fixtures.executable("/usr/bin/python3")
                && Fixtures.canTestIptables(), "needs root, dnsmasq and python3");
        ClusterDns.Reloadable one = split(ready, dir);
        ClusterDns.Reloadable two = split(oneDown, dir);
        Files.writeString(dir.resolve("primary1"), String.join("\n", one.primary()));
        Files.writeString(dir.resolve("srv1"), String.join("\n", one.srv()));
        Files.writeString(dir.resolve("srv2"), String.join("\n", two.srv()));
        Files.writeString(dir.resolve("hosts1"), one.hosts());
        Files.writeString(dir.resolve("hosts2"), two.hosts());
        Files.writeString(dir.resolve("servers1"), one.servers());
        Files.writeString(dir.resolve("servers2"), two.servers());
        Files.writeString(dir.resolve("restart1"), String.join("\n", args(ready)));
        Files.writeString(dir.resolve("restart2"), String.join("\n", args(oneDown)));
        Files.writeString(dir.resolve("names"), String.join("\n", "echo.netpaths.svc.cluster.local",
                "echo-headless.netpaths.svc.cluster.local", "_http._tcp.echo-headless.netpaths.svc.cluster.local"));
        Path script = dir.resolve("dns-reload.py");
        Files.writeString(script, Fixtures.resource("dns-reload.py"));
        String left = ready.pods("netpaths", "echo-service").stream()
                .filter(p -> "v1".equals(p.getMetadata().getLabels().get("version")) && p != down)
                .map(p -> p.getStatus().getPodIP()).findFirst().orElseThrow();

        Fixtures.Result reload = Fixtures.run(null, "/usr/bin/unshare", "-n", "python3", script.toString(), dir.toString(), "reload");
        assertEquals(0, reload.exitCode(), reload.output());
        List<String> lines = reload.output().lines().filter(l -> !l.startsWith("dnsmasq")).toList();
        assertTrue(lines.get(0).matches("queries \\d{3,} failed 0"), reload.output());
        assertEquals("same-process True", lines.get(1), "reloaded, not restarted");
        assertEquals("headless " + left, lines.get(2), "the hosts file was re-read");
        assertEquals("srv SRV:8080:" + left.replace('.', '-'), lines.get(3), "the SRV answer is not the cached one");

        // the check can fail: the same change by restarting dnsmasq (as the lab did) refuses queries
        Fixtures.Result restart = Fixtures.run(null, "/usr/bin/unshare", "-n", "python3", script.toString(), dir.toString(), "restart");
        assertEquals(0, restart.exitCode(), restart.output());
        String counts = restart.output().lines().filter(l -> l.startsWith("queries ")).findFirst().orElseThrow();
        assertTrue(!counts.endsWith(" failed 0"), restart.output());
    }
}

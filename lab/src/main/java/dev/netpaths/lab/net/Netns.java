package dev.netpaths.lab.net;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.state.Journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Creates network namespaces (journaled first) and runs ip/sysctl inside them; never touches the root namespace. */
public final class Netns {
    private final Journal journal;

    public Netns(Journal journal) {
        this.journal = journal;
    }

    /** Journals, then creates the namespace with loopback up. */
    public void create(String name) {
        journal.netns(name);
        Sh.run("ip", "netns", "add", name);
        ip(name, "link", "set", "lo", "up");
    }

    /** {@code ip -n NS args...}. */
    public static String ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return Sh.run(cmd.toArray(String[]::new));
    }

    /** {@code sysctl -qw key=value...} inside the namespace (net.* sysctls are per namespace). */
    public static void sysctl(String ns, String... keyValues) {
        List<String> cmd = new ArrayList<>(List.of("sysctl", "-qw"));
        cmd.addAll(List.of(keyValues));
        Sh.run(Sh.inNs(ns, cmd.toArray(String[]::new)));
    }

    /** Writes /etc/netns/NS/resolv.conf, which {@code ip netns exec} bind-mounts over /etc/resolv.conf; removed with the namespace. */
    public static void resolvConf(String ns, String content) {
        Path dir = Path.of("/etc/netns", ns);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), content);
        } catch (IOException e) {
            throw new LabException("cannot write " + dir + "/resolv.conf: " + e.getMessage(), e);
        }
    }

    /** The MAC address of a link inside the namespace. */
    public static String mac(String ns, String link) {
        String out = ip(ns, "-o", "link", "show", link);
        int i = out.indexOf("link/ether ");
        if (i < 0) {
            throw new LabException("no MAC address on " + link + " in " + ns + ": " + out.strip());
        }
        return out.substring(i + 11).split(" ")[0];
    }
}

package dev.netpaths.lab.net;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.control.Bird;
import dev.netpaths.lab.control.Cni;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Sleep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Calico without IPIP (the kernel has none): the ptp plugin (a routed veth and a /32 host route per pod), a /26
 * block per node, and bird2 per node in an iBGP full mesh announcing the block, as calico-node's BIRD does.
 */
public final class Calico implements PodNetwork {
    /** Calico's default AS number. */
    static final int ASN = 64512;
    private static final int MTU = 1450;
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private final Launcher launcher;
    private final Path dir;

    /** @param dir where bird's configs, control sockets and logs go (under the state dir) */
    public Calico(Launcher launcher, Path dir) {
        this.launcher = launcher;
        this.dir = dir;
    }

    @Override
    public void wireNodes(ClusterPlan cluster) {
        List<String> peers = cluster.nodes().stream().map(NodePlan::ip).toList();
        for (NodePlan n : cluster.nodes()) {
            Path conf = dir.resolve(n.name() + ".conf");
            try {
                Files.createDirectories(dir);
                Files.writeString(conf, Bird.config(n.ip(), n.ip(), peers, n.podRange(), ASN));
            } catch (IOException e) {
                throw new LabException("cannot write " + conf + ": " + e.getMessage(), e);
            }
            launcher.start(n.netns(), List.of(),
                    List.of("bird", "-f", "-c", conf.toString(), "-s", dir.resolve(n.name() + ".ctl").toString()),
                    dir.resolve(n.name() + ".log"), "bird " + n.name());
        }
    }

    /** Every node has a BGP-learned route to every other node's block (about 5 s with bird's default timers). */
    @Override
    public void awaitConverged(ClusterPlan cluster) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        for (NodePlan n : cluster.nodes()) {
            for (NodePlan r : cluster.nodes()) {
                while (r != n && !Netns.ip(n.netns(), "route", "show", r.podRange()).contains("via " + r.ip())) {
                    if (System.nanoTime() > deadline) {
                        throw new LabException("BGP did not converge in " + CONVERGE.toSeconds() + " s: " + n.name()
                                + " has no route to " + r.name() + "'s block " + r.podRange() + "; see " + dir.resolve(n.name() + ".log"));
                    }
                    Sleep.ms(200);
                }
            }
        }
    }

    @Override
    public String plugin() {
        return "ptp";
    }

    @Override
    public String conf(ClusterPlan cluster, NodePlan node, Path dataDir) {
        return Cni.ptpConf("k8s-pod-network", node.podRange(), MTU, dataDir.toString());
    }
}

package dev.netpaths.lab.cni;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.net.Netns;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.proc.Sleep;
import dev.netpaths.lab.state.RecordedSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Calico as scripts/cluster installs it (the Tigera operator's Installation from {@code calico_installation} in
 * scripts/cluster/lib.sh): pods on routed veths (the ptp plugin: a veth and a /32 host route per pod, as Calico's
 * own plugin wires them) from a /26 IPAM block per node, and between nodes either
 * <ul>
 *   <li>{@link Mode#VXLAN} ({@code CALICO_ENCAP=vxlan}, the scripts' default, {@code bgp: Disabled}): felix's
 *       VXLAN device {@code vxlan.calico} (VNI 4096, UDP 4789, no learning: felix/config/config_params.go
 *       VXLANVNI/VXLANPort, felix/dataplane/linux/vxlan_mgr.go) holding the node's tunnel address (the first
 *       address of its block), and for every other node the static entries felix programs
 *       (felix/vxlanfdb/vxlan_fdb.go: a permanent neighbour tunnel IP -> VTEP MAC and an FDB entry MAC -> node
 *       IP; felix/routetable/defs.go: the block routed via the remote tunnel IP with {@code onlink}); or</li>
 *   <li>{@link Mode#BGP} ({@code CALICO_ENCAP=none}): no encapsulation, bird2 per node in an iBGP full mesh
 *       announcing the block, as calico-node's BIRD does; routes via the node IPs.</li>
 * </ul>
 * The node's NAT is Calico's own ({@link dev.netpaths.lab.cni.CalicoNat}), not Flannel's masquerade chain.
 */
public final class Calico implements PodNetwork {
    /** Calico's default AS number. */
    static final int ASN = 64512;
    /** felix's VXLAN device and its defaults (felix/dataplane/linux/dataplanedefs, felix/config/config_params.go). */
    public static final String VXLAN_DEVICE = "vxlan.calico";
    static final int VXLAN_VNI = 4096;
    public static final int VXLAN_PORT = 4789;
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    /** How the pool carries pod traffic between nodes: {@code LAB_CALICO}, as {@code CALICO_ENCAP} in scripts/cluster. */
    public enum Mode {
        /** A VXLAN pool ({@code CALICO_ENCAP=vxlan}, the default). MTU 1450: felix's auto-detected 1500 - 50. */
        VXLAN(1450),
        /** Plain BGP routes ({@code CALICO_ENCAP=none}). MTU 1500: nothing to encapsulate. */
        BGP(1500);

        final int mtu;

        Mode(int mtu) {
            this.mtu = mtu;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code LAB_CALICO}: {@code vxlan} (or unset/empty) or {@code bgp}. */
        public static Mode fromSetting(String value) {
            if (value == null || value.isEmpty() || value.equals("vxlan")) {
                return VXLAN;
            }
            if (value.equals("bgp")) {
                return BGP;
            }
            throw new IllegalArgumentException("LAB_CALICO must be vxlan or bgp (scripts/cluster's CALICO_ENCAP=vxlan "
                    + "or none), got '" + value + "'");
        }

        /** The mode a lab was brought up with (recorded by {@code up}, {@link RecordedSettings}); a clear error for a bad value. */
        public static Mode recorded(java.nio.file.Path stateDir) {
            try {
                return fromSetting(RecordedSettings.get(stateDir, "LAB_CALICO"));
            } catch (IllegalArgumentException e) {
                throw new LabException(e.getMessage(), e);
            }
        }

        /** The mode the environment asks for ({@code LAB_CALICO}); a clear error for any other value. */
        public static Mode fromEnvironment() {
            try {
                return fromSetting(System.getenv("LAB_CALICO"));
            } catch (IllegalArgumentException e) {
                throw new LabException(e.getMessage(), e);
            }
        }
    }

    private final Launcher launcher;
    private final Path dir;
    private final Mode mode;

    /** @param dir where bird's configs, control sockets and logs go (under the state dir; BGP mode only) */
    public Calico(Launcher launcher, Path dir, Mode mode) {
        this.launcher = launcher;
        this.dir = dir;
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** The node's VXLAN tunnel address: the first address of its block (calico-ipam's first allocation there). */
    public static String tunnelIp(NodePlan n) {
        return AddressPlan.addressIn(n.podRange(), 0);
    }

    @Override
    public void wireNodes(ClusterPlan cluster) {
        if (mode == Mode.VXLAN) {
            wireVxlan(cluster);
        } else {
            startBird(cluster);
        }
    }

    private void wireVxlan(ClusterPlan cluster) {
        for (NodePlan n : cluster.nodes()) {
            Netns.ip(n.netns(), "link", "add", VXLAN_DEVICE, "type", "vxlan", "id", Integer.toString(VXLAN_VNI), "local",
                    n.ip(), "dev", "eth0", "dstport", Integer.toString(VXLAN_PORT), "nolearning");
            Netns.ip(n.netns(), "addr", "add", tunnelIp(n) + "/32", "dev", VXLAN_DEVICE);
            Netns.ip(n.netns(), "link", "set", VXLAN_DEVICE, "mtu", Integer.toString(mode.mtu), "up");
        }
        for (NodePlan n : cluster.nodes()) {
            for (NodePlan r : cluster.nodes()) {
                if (r == n) {
                    continue;
                }
                String mac = Netns.mac(r.netns(), VXLAN_DEVICE);
                Netns.ip(n.netns(), "neigh", "replace", tunnelIp(r), "lladdr", mac, "dev", VXLAN_DEVICE, "nud", "permanent");
                Sh.run(Sh.inNs(n.netns(), "bridge", "fdb", "append", mac, "dev", VXLAN_DEVICE, "dst", r.ip()));
                Netns.ip(n.netns(), "route", "replace", r.podRange(), "via", tunnelIp(r), "dev", VXLAN_DEVICE, "onlink");
            }
        }
    }

    private void startBird(ClusterPlan cluster) {
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

    /**
     * Every node has a route to every other node's block: at once for VXLAN (felix's static entries), BGP-learned
     * for BGP (about 5 s with bird's default timers).
     */
    @Override
    public void awaitConverged(ClusterPlan cluster) {
        String via = mode == Mode.VXLAN ? "dev " + VXLAN_DEVICE : null;
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        for (NodePlan n : cluster.nodes()) {
            for (NodePlan r : cluster.nodes()) {
                String expected = via != null ? "via " + tunnelIp(r) + " " + via : "via " + r.ip();
                while (r != n && !Netns.ip(n.netns(), "route", "show", r.podRange()).contains(expected)) {
                    if (System.nanoTime() > deadline) {
                        throw new LabException((mode == Mode.BGP ? "BGP" : "Calico VXLAN") + " did not converge in "
                                + CONVERGE.toSeconds() + " s: " + n.name() + " has no route to " + r.name() + "'s block "
                                + r.podRange() + " (" + expected + ")"
                                + (mode == Mode.BGP ? "; see " + dir.resolve(n.name() + ".log") : ""));
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
        return Cni.ptpConf("k8s-pod-network", node.podRange(), mode.mtu, dataDir.toString());
    }
}

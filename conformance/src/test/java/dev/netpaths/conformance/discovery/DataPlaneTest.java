package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.report.RunReport;
import dev.netpaths.conformance.support.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-plane choices are read from the snapshot discovery reads (here built from recorded objects, no server):
 * make up's ConfigMap, the lab's ConfigMap, or neither.
 */
class DataPlaneTest {

    /** The ConfigMap scripts/cluster/up.sh writes (scripts/test/fake-tools.bats keeps this file equal to it). */
    static final Path RECORDED = Path.of("src/test/resources/data-plane/kind.yaml");

    static DataPlane discover(Path yaml) {
        return DataPlane.discover(Fixture.snapshot(yaml));
    }

    @Test
    void aClusterFromMakeUpReportsWhatUpShRecorded() {
        DataPlane dp = discover(RECORDED);
        assertEquals(List.of("CLUSTER", "CNI", "PROXY_MODE", "CALICO_ENCAP", "WEAVE_MODE", "NODE_IMAGE",
                "HOST_PORT_ADDRESS", "HOST_PORT_NODE", "HOST_PORTS", "HOST_PORTS_INGRESS"), List.copyOf(dp.values().keySet()));
        assertEquals(Optional.of("flannel"), dp.get("CNI"));
        assertEquals(Optional.of("iptables"), dp.get("PROXY_MODE"));
        assertEquals(List.of("30080/TCP", "30081/UDP", "30090/TCP", "80/TCP", "443/TCP"), dp.list("HOST_PORTS"));
        assertTrue(dp.source().contains("kube-system/netpaths-data-plane"), dp.source());
        // the header line: choices that apply, n/a ones left out, the mapping in words
        String line = RunReport.dataPlaneLine(dp.asReport());
        assertTrue(line.startsWith("CLUSTER=kind CNI=flannel PROXY_MODE=iptables NODE_IMAGE=kindest/node:"), line);
        assertTrue(line.contains("host ports 127.0.0.1 → netpaths-control-plane (30080/TCP 30081/UDP 30090/TCP "
                + "80/TCP 443/TCP)"), line);
        assertTrue(!line.contains("CALICO_ENCAP") && !line.contains("n/a"), line);
    }

    @Test
    void theLabReportsItsCniAndProxyModeFromItsState() {
        DataPlane dp = discover(LabState.clusterFiles(Fixture.LAB_STATE).get(0));
        assertEquals(Map.of("CLUSTER", "lab", "CNI", "flannel", "PROXY_MODE", "iptables"), dp.values());
        assertTrue(dp.source().contains("kube-system/netpaths-lab"), dp.source());
        // a lab that names its mode is believed
        DataPlane nft = DataPlane.fromConfigMaps(Optional.empty(), Optional.of(Map.of("cni", "calico",
                "proxyMode", "nftables")));
        assertEquals(Optional.of("nftables"), nft.get("PROXY_MODE"));
    }

    /** A lab's state file holding the ConfigMap kube-system/netpaths-lab as the lab writes it (ClusterRuntime.labInfo). */
    static DataPlane labState(Path dir, String cni, String proxyMode, String calico) throws Exception {
        Path yaml = dir.resolve(cni + "-" + proxyMode + "-" + calico.replace("/", "") + ".yaml");
        Files.writeString(yaml, """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: netpaths-lab, namespace: kube-system}
                  data: {platform: lab, cluster: netpaths, cni: %s, ingress: nginx, proxyMode: %s,
                         calicoEncapsulation: %s, networkPolicy: enforced}
                """.formatted(cni, proxyMode, calico));
        return discover(yaml);
    }

    /**
     * Calico's pool encapsulation (LAB_CALICO) is on the data-plane line, read from the lab's state through the
     * snapshot, in scripts/cluster's CALICO_ENCAP words.
     */
    @Test
    void aCalicoLabReportsItsPoolsEncapsulationAsKindsReportDoes(@TempDir Path dir) throws Exception {
        DataPlane vxlan = labState(dir, "calico", "iptables", "vxlan");
        assertEquals("CLUSTER=lab CNI=calico PROXY_MODE=iptables CALICO_ENCAP=vxlan [" + vxlan.source() + "]",
                RunReport.dataPlaneLine(vxlan.asReport()));
        DataPlane bgp = labState(dir, "calico", "nftables", "bgp");
        String line = RunReport.dataPlaneLine(bgp.asReport());
        assertTrue(line.startsWith("CLUSTER=lab CNI=calico PROXY_MODE=nftables CALICO_ENCAP=none ["), line);
        assertTrue(line.contains("LAB_CALICO=bgp: plain BGP routes"), line);
        // another CNI: the lab writes n/a, left off the line as make up's n/a is
        DataPlane weave = labState(dir, "weave", "iptables", "n/a");
        assertEquals(Optional.of("n/a"), weave.get("CALICO_ENCAP"));
        assertTrue(RunReport.dataPlaneLine(weave.asReport()).startsWith("CLUSTER=lab CNI=weave PROXY_MODE=iptables ["));
    }

    /** What the lab writes (ClusterRuntime.labInfo) is what this reads: a lab run's state, key by key. */
    @Test
    void theKeysReadAreTheOnesTheLabWrites() throws Exception {
        String runtime = Files.readString(Path.of("../lab/src/main/java/dev/netpaths/lab/ClusterRuntime.java"));
        for (String key : List.of("\"cni\"", "\"proxyMode\"", "\"calicoEncapsulation\"")) {
            assertTrue(runtime.contains(".addToData(" + key), "the lab's netpaths-lab ConfigMap has no " + key);
        }
    }

    @Test
    void aClusterNotMadeByMakeUpSaysSo(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("cluster.yaml");
        Files.writeString(yaml, "apiVersion: v1\nkind: Namespace\nmetadata: {name: netpaths}\n");
        DataPlane dp = discover(yaml);
        assertTrue(dp.values().isEmpty(), dp.values().toString());
        assertTrue(dp.source().contains("not created by make up"), dp.source());
        assertEquals("unknown [" + dp.source() + "]", RunReport.dataPlaneLine(dp.asReport()));
        assertEquals("", RunReport.dataPlaneLine(null));
    }
}

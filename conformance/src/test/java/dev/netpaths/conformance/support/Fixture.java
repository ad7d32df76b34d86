package dev.netpaths.conformance.support;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.LabCluster;
import dev.netpaths.conformance.discovery.Topology;
import java.nio.file.Path;
import java.util.Optional;

/** The lab-shaped fixture (src/test/resources/lab-state) discovered once through the mock API server. */
public final class Fixture {

    public static final Path LAB_STATE = Path.of("src/test/resources/lab-state");
    private static Topology topology;

    private Fixture() {}

    public static synchronized Topology topology() {
        if (topology == null) {
            try (LabCluster lab = LabCluster.load(LabCluster.clusterFiles(LAB_STATE).get(0))) {
                topology = new Discovery(lab.client()).discover(lab.directoryName());
            }
        }
        return topology;
    }

    public static Topology withCni(Topology t, Topology.Cni cni) {
        return new Topology(t.cluster(), t.platform(), cni, t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio());
    }

    public static Topology renamed(Topology t, String cluster) {
        return new Topology(cluster, t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio());
    }

    /** Every address routable: what a Linux host on the kind network sees. */
    public static Environment environment(Topology t) {
        return new Environment(t, Optional.empty(), (ip, port) -> Optional.empty(), Environment.Settings.DEFAULT);
    }
}

package dev.netpaths.conformance.support;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.ClusterSnapshot;
import dev.netpaths.conformance.discovery.LabState;
import dev.netpaths.conformance.discovery.Topology;
import java.nio.file.Path;
import java.util.Optional;

/** The lab-shaped fixture (src/test/resources/lab-state) discovered once from its state file. */
public final class Fixture {

    public static final Path LAB_STATE = Path.of("src/test/resources/lab-state");
    private static Topology topology;

    private Fixture() {}

    public static synchronized Topology topology() {
        if (topology == null) {
            Path file = LabState.clusterFiles(LAB_STATE).get(0);
            topology = new Discovery(LabState.read(file)).discover(LabState.clusterName(file));
        }
        return topology;
    }

    /** A snapshot of the objects in a YAML file (a v1 List or one object), as a cluster would hold them. */
    public static ClusterSnapshot snapshot(Path yaml) {
        try {
            return ClusterSnapshot.parse(null, java.nio.file.Files.readString(yaml));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Topology withCni(Topology t, Topology.Cni cni) {
        return new Topology(t.cluster(), t.platform(), cni, t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio(), t.workloads(),
                t.apiServer());
    }

    public static Topology renamed(Topology t, String cluster) {
        return new Topology(cluster, t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio(), t.workloads(),
                t.apiServer());
    }

    public static Topology withPods(Topology t, java.util.List<Topology.Pod> pods) {
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), pods, t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio(), t.workloads(),
                t.apiServer());
    }

    public static Topology withServices(Topology t, java.util.List<Topology.Service> services) {
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), services,
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio(), t.workloads(),
                t.apiServer());
    }

    public static Topology withPolicies(Topology t, java.util.List<Topology.Policy> policies) {
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), policies, t.ingresses(), t.gatewayApi(), t.istio(), t.workloads(), t.apiServer());
    }

    public static Topology withWorkloads(Topology t, java.util.List<Topology.Workload> workloads) {
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio(), workloads,
                t.apiServer());
    }

    public static Topology withGatewayApi(Topology t, Topology.GatewayApi api) {
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), api, t.istio(), t.workloads(), t.apiServer());
    }

    public static Topology withIngresses(Topology t, java.util.List<Topology.Ingress> ingresses) {
        return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                t.endpointSlices(), t.networkPolicies(), ingresses, t.gatewayApi(), t.istio(), t.workloads(),
                t.apiServer());
    }

    /** The pods with {@code name} marked not Ready (a crash-looping replica). */
    public static Topology notReady(Topology t, String name) {
        return withPods(t, t.pods().stream().map(p -> !p.name().equals(name) ? p : new Topology.Pod(p.namespace(),
                p.name(), p.node(), p.ip(), p.hostIp(), p.labels(), false)).toList());
    }

    /** Every address routable: what a Linux host on the kind network sees. */
    public static Environment environment(Topology t) {
        return new Environment(t, Optional.empty(), (ip, port) -> Optional.empty(), Environment.Settings.DEFAULT);
    }
}

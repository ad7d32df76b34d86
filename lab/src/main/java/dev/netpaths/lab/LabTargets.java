package dev.netpaths.lab;

import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.pod.PodRunner;
import dev.netpaths.lab.state.Entry;
import dev.netpaths.lab.state.Journal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The ways into a running lab ({@code exec}, {@code rules}): a pod, node or {@code host} name resolved to the network
 * namespace the lab recorded for it, from lab.properties, the clusters' cluster.yaml and the journal, so nobody has to
 * guess namespace names.
 */
public final class LabTargets {
    /** What a name stands for in the lab. */
    public enum Kind { HOST, NODE, POD }

    /** A name resolved: its kind, the network namespace and how to show it ({@code netpaths/echo-0 on netpaths-worker}). */
    public record Target(Kind kind, String netns, String label) {
    }

    private final LabConfig config;
    private final List<ClusterPlan> plan;
    /** A pod and the index of the cluster whose cluster.yaml holds it. */
    record LabPod(int cluster, Pod pod) {
        /** namespace/name, with the cluster in front for the second cluster (pod names repeat across clusters). */
        String key() {
            String k = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
            return cluster == 0 ? k : AddressPlan.CLUSTER_NAMES.get(cluster) + "/" + k;
        }
    }

    /** The pods, read from the clusters' cluster.yaml when a name is neither host nor a node (the host and nodes need no pod). */
    private final Supplier<List<LabPod>> podSource;
    private List<LabPod> pods;
    private final Set<String> recorded;

    private LabTargets(LabConfig config, Supplier<List<LabPod>> pods, Set<String> recordedNetns) {
        this.config = config;
        this.plan = AddressPlan.plan(config.prefix(), config.cni(), config.nodes(), config.clusters());
        this.podSource = pods;
        this.recorded = recordedNetns;
    }

    private List<LabPod> pods() {
        if (pods == null) {
            pods = List.copyOf(podSource.get());
        }
        return pods;
    }

    /** The lab recorded in stateDir; fails with how to start one when there is none. */
    public static LabTargets of(Path stateDir) {
        LabConfig cfg = LabConfig.read(stateDir).orElseThrow(() -> new LabException("no lab in " + stateDir
                + " (start one with `scripts/lab/lab.sh up`, with the same LAB_PREFIX and LAB_STATE_DIR)"));
        Set<String> netns = new Journal(stateDir).read().stream().filter(Entry.Netns.class::isInstance)
                .map(e -> ((Entry.Netns) e).name()).collect(Collectors.toSet());
        return new LabTargets(cfg, () -> {
            List<LabPod> pods = new ArrayList<>();
            for (int c = 0; c < cfg.clusters(); c++) {
                Path yaml = stateDir.resolve(AddressPlan.CLUSTER_NAMES.get(c)).resolve("cluster.yaml");
                if (Files.exists(yaml)) {
                    int cluster = c;
                    podsOf(yaml).forEach(p -> pods.add(new LabPod(cluster, p)));
                }
            }
            return pods;
        }, netns);
    }

    static LabTargets of(LabConfig cfg, List<LabPod> pods, Set<String> recordedNetns) {
        return new LabTargets(cfg, () -> pods, recordedNetns);
    }

    /**
     * {@code host}, a node name ({@code netpaths-worker}), a pod as {@code namespace/name} or {@code name}, or the unique
     * start of a pod name ({@code sidecar-demo}); anything else fails, naming what exists.
     */
    public Target resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new LabException("name a pod, a node or host (see `scripts/lab/lab.sh status`)");
        }
        Target t = find(name.strip());
        if (!recorded.contains(t.netns())) {
            throw new LabException(t.label() + ": its network namespace " + t.netns() + " is not in the lab's journal: the lab is not up"
                    + " (or not up yet); `scripts/lab/lab.sh up` brings it up");
        }
        return t;
    }

    private Target find(String name) {
        if (name.equals("host")) {
            return new Target(Kind.HOST, AddressPlan.hostNs(config.prefix()), "host (" + AddressPlan.HOST_IP + ", where the harness runs)");
        }
        for (ClusterPlan c : plan) {
            for (NodePlan n : c.nodes()) {
                if (n.name().equals(name)) {
                    return new Target(Kind.NODE, n.netns(), "node " + n.name() + " (" + n.ip() + ")");
                }
            }
        }
        List<LabPod> pods = pods();
        List<LabPod> exact = pods.stream().filter(p -> p.key().equals(name) || p.pod().getMetadata().getName().equals(name)).toList();
        List<LabPod> matches = exact.isEmpty()
                ? pods.stream().filter(p -> p.key().startsWith(name) || p.pod().getMetadata().getName().startsWith(name)).toList() : exact;
        if (matches.size() == 1) {
            LabPod p = matches.get(0);
            return new Target(Kind.POD, PodRunner.podNetns(config.prefix(), plan.get(p.cluster()), p.pod()),
                    "pod " + p.key() + " on " + p.pod().getSpec().getNodeName() + " (" + p.pod().getStatus().getPodIP() + ")");
        }
        if (matches.size() > 1) {
            throw new LabException("'" + name + "' matches " + matches.size() + " pods: "
                    + matches.stream().map(LabPod::key).collect(Collectors.joining(", ")) + "; name one of them");
        }
        throw new LabException("no pod, node or host named '" + name + "' in this lab; nodes: "
                + plan.stream().flatMap(c -> c.nodes().stream()).map(NodePlan::name).collect(Collectors.joining(", "))
                + "; pods: " + (pods.isEmpty() ? "none recorded (is the lab up?)" : pods.stream().map(LabPod::key).collect(Collectors.joining(", "))));
    }

    /**
     * Every name {@link #resolve} takes exactly (host, the nodes, each pod's namespace/name and each pod name no other
     * pod shares) with its network namespace, one {@code NAME NETNS} line each: the exec index scripts/lab/lab.sh reads
     * to run {@code exec} without a JVM. Made by {@link #resolve} itself, so the index and this class never disagree;
     * a unique start of a name is left out (the CLI resolves it, with its errors).
     */
    public String exactNames() {
        List<String> names = new ArrayList<>();
        names.add("host");
        plan.forEach(c -> c.nodes().forEach(n -> names.add(n.name())));
        pods().forEach(p -> {
            names.add(p.key());
            names.add(p.pod().getMetadata().getName());
        });
        StringBuilder index = new StringBuilder();
        names.stream().distinct().forEach(name -> {
            try {
                String netns = resolve(name).netns();
                index.append(name).append(' ').append(netns).append('\n');
            } catch (LabException ambiguousOrNotUp) {
                // the CLI says why when it is asked for this name
            }
        });
        return index.toString();
    }

    /** The node a name stands for (for {@code rules}); a pod or the host is refused with the node names. */
    public Target node(String name) {
        Target t = resolve(name);
        if (t.kind() != Kind.NODE) {
            throw new LabException(t.label() + " is not a node: kube-proxy's rules live in the nodes; nodes: "
                    + plan.stream().flatMap(c -> c.nodes().stream()).map(NodePlan::name).collect(Collectors.joining(", ")));
        }
        return t;
    }

    /**
     * The pods of a cluster.yaml, each with what a name resolves to (namespace, name, node, pod IP). The YAML is read
     * as a tree and nothing is bound to the Kubernetes model: binding the list through fabric8's Serialization loads
     * the classes of every resource kind, most of what `exec` and `rules` cost (a workshop page runs dozens of them).
     */
    static List<Pod> podsOf(Path yaml) {
        try {
            JsonNode items = YAML.readTree(Files.readString(yaml)).path("items");
            List<Pod> pods = new ArrayList<>();
            for (JsonNode item : items) {
                if ("Pod".equals(item.path("kind").asText()) && "v1".equals(item.path("apiVersion").asText())) {
                    JsonNode meta = item.path("metadata");
                    pods.add(new PodBuilder()
                            .withNewMetadata().withNamespace(meta.path("namespace").asText(null))
                            .withName(meta.path("name").asText(null)).endMetadata()
                            .withNewSpec().withNodeName(item.path("spec").path("nodeName").asText(null)).endSpec()
                            .withNewStatus().withPodIP(item.path("status").path("podIP").asText(null)).endStatus()
                            .build());
                }
            }
            return pods;
        } catch (IOException e) {
            throw new LabException("cannot read " + yaml + ": " + e.getMessage(), e);
        }
    }

    private static final ObjectMapper YAML = new YAMLMapper();
}

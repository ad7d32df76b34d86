package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube-scheduler for the lab, one pod at a time in the order given. Filters: {@code nodeSelector}, required
 * node affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt on node labels), taints with effect
 * NoSchedule/NoExecute against tolerations, required pod anti-affinity (both the incoming pod's and the
 * placed pods' terms), and {@code topologySpreadConstraints} with {@code whenUnsatisfiable: DoNotSchedule}:
 * skew = matching pods in the candidate's domain + 1 - the minimum over all domains, the domains being the
 * values of the topology key on the nodes that pass nodeSelector/node affinity, taints ignored (the defaults
 * {@code nodeAffinityPolicy: Honor}, {@code nodeTaintsPolicy: Ignore}: a tainted control plane still counts
 * as an empty domain). Score, lowest wins: matching pods in the node's domain summed over the ScheduleAnyway
 * constraints, then the weight of violated preferred pod anti-affinity terms, then the number of pods on the
 * node (least loaded), then the node name (the real scheduler breaks ties randomly).
 *
 * A spread constraint's {@code matchLabelKeys} narrow its selector to the pods with the incoming pod's values
 * of those keys (kube-scheduler's PodTopologySpread; the echo manifests use {@code pod-template-hash}).
 *
 * <p>What the scheduler would act on but the lab does not implement is refused by name ("the lab does not
 * model ..."): pod affinity, preferred node affinity, {@code minDomains}, a pod anti-affinity
 * {@code namespaceSelector}, container {@code hostPort}s. Simplified: resource requests always fit (kind's nodes
 * are the machine), PreferNoSchedule taints are ignored, no preemption. Nodes lacking
 * {@code kubernetes.io/hostname} are treated as labelled with their name.
 */
public final class Scheduler {
    static final String HOSTNAME = "kubernetes.io/hostname";

    private Scheduler() {
    }

    /**
     * Returns copies of {@code pods} with {@code spec.nodeName} set, placing each pod with the pods placed
     * before it (and the pods that already had a node, which are kept where they are) counted.
     *
     * @throws IllegalStateException naming the pod and why each node was filtered when none fits
     */
    public static List<Pod> schedule(List<Pod> pods, List<Node> nodes) {
        List<Pod> placed = new ArrayList<>();
        for (Pod pod : pods) {
            if (nodeName(pod) != null) {
                placed.add(pod);
            }
        }
        List<Pod> result = new ArrayList<>();
        for (Pod pod : pods) {
            if (nodeName(pod) != null) {
                result.add(pod);
                continue;
            }
            String node = pick(pod, nodes, placed);
            Pod scheduled = new PodBuilder(pod).editOrNewSpec().withNodeName(node).endSpec().build();
            placed.add(scheduled);
            result.add(scheduled);
        }
        return result;
    }

    /** The node for one pod given the pods already placed. */
    static String pick(Pod pod, List<Node> nodes, List<Pod> placed) {
        refuseUnmodelled(pod);
        if (nodes.isEmpty()) {
            throw new IllegalStateException("pod " + Kube.key(pod) + " is unschedulable: the cluster has no nodes");
        }
        List<String> reasons = new ArrayList<>();
        Node best = null;
        long[] bestScore = null;
        for (Node node : nodes) {
            String reason = filter(pod, node, nodes, placed);
            if (reason != null) {
                reasons.add(node.getMetadata().getName() + ": " + reason);
                continue;
            }
            long[] score = score(pod, node, nodes, placed);
            if (best == null || compare(score, bestScore) < 0
                    || compare(score, bestScore) == 0
                    && node.getMetadata().getName().compareTo(best.getMetadata().getName()) < 0) {
                best = node;
                bestScore = score;
            }
        }
        if (best == null) {
            throw new IllegalStateException("pod " + Kube.key(pod) + " is unschedulable: " + String.join("; ", reasons));
        }
        return best.getMetadata().getName();
    }

    private static int compare(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Why {@code node} cannot take {@code pod}, or null when it can. */
    private static String filter(Pod pod, Node node, List<Node> nodes, List<Pod> placed) {
        if (!matchesNodeSelection(pod, node)) {
            return "node selector/affinity does not match";
        }
        Taint untolerated = untoleratedTaint(pod, node);
        if (untolerated != null) {
            return "untolerated taint " + untolerated.getKey() + ":" + untolerated.getEffect();
        }
        for (PodAffinityTerm term : requiredAntiAffinity(pod)) {
            String domain = domain(node, term.getTopologyKey());
            if (domain != null && placed.stream().anyMatch(other -> inDomain(other, term.getTopologyKey(), domain, nodes)
                    && termMatches(term, pod, other))) {
                return "pod anti-affinity (" + term.getTopologyKey() + ")";
            }
        }
        for (Pod other : placed) {
            for (PodAffinityTerm term : requiredAntiAffinity(other)) {
                String domain = domain(node, term.getTopologyKey());
                if (domain != null && inDomain(other, term.getTopologyKey(), domain, nodes) && termMatches(term, other, pod)) {
                    return "existing pod " + Kube.key(other) + "'s anti-affinity";
                }
            }
        }
        for (TopologySpreadConstraint constraint : spread(pod)) {
            if (!"DoNotSchedule".equals(constraint.getWhenUnsatisfiable())) {
                continue;
            }
            String domain = domain(node, constraint.getTopologyKey());
            if (domain == null) {
                return "no label " + constraint.getTopologyKey();
            }
            Map<String, Integer> counts = domainCounts(pod, constraint, nodes, placed);
            int min = counts.values().stream().min(Integer::compare).orElse(0);
            int self = Kube.matches(constraint.getLabelSelector(), Kube.labels(pod), "pod " + Kube.key(pod)) ? 1 : 0;
            int skew = counts.getOrDefault(domain, 0) + self - min;
            if (skew > constraint.getMaxSkew()) {
                return "topology spread on " + constraint.getTopologyKey() + " (skew " + skew + " > maxSkew "
                        + constraint.getMaxSkew() + ")";
            }
        }
        return null;
    }

    private static long[] score(Pod pod, Node node, List<Node> nodes, List<Pod> placed) {
        long spreadScore = 0;
        for (TopologySpreadConstraint constraint : spread(pod)) {
            if ("ScheduleAnyway".equals(constraint.getWhenUnsatisfiable())) {
                String domain = domain(node, constraint.getTopologyKey());
                if (domain != null) {
                    spreadScore += domainCounts(pod, constraint, nodes, placed).getOrDefault(domain, 0);
                }
            }
        }
        long antiAffinity = 0;
        for (WeightedPodAffinityTerm weighted : preferredAntiAffinity(pod)) {
            PodAffinityTerm term = weighted.getPodAffinityTerm();
            String domain = domain(node, term.getTopologyKey());
            if (domain != null && placed.stream().anyMatch(other -> inDomain(other, term.getTopologyKey(), domain, nodes)
                    && termMatches(term, pod, other))) {
                antiAffinity += weighted.getWeight();
            }
        }
        String name = node.getMetadata().getName();
        long load = placed.stream().filter(p -> name.equals(nodeName(p))).count();
        return new long[]{spreadScore, antiAffinity, load};
    }

    private static void refuseUnmodelled(Pod pod) {
        List<String> fields = new ArrayList<>();
        Affinity affinity = pod.getSpec().getAffinity();
        if (affinity != null && affinity.getPodAffinity() != null) {
            fields.add("spec.affinity.podAffinity");
        }
        if (affinity != null && affinity.getNodeAffinity() != null
                && affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() != null
                && !affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty()) {
            fields.add("spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution");
        }
        List<PodAffinityTerm> antiTerms = new ArrayList<>(requiredAntiAffinity(pod));
        preferredAntiAffinity(pod).forEach(w -> antiTerms.add(w.getPodAffinityTerm()));
        if (antiTerms.stream().anyMatch(t -> t.getNamespaceSelector() != null)) {
            fields.add("spec.affinity.podAntiAffinity namespaceSelector");
        }
        if (spread(pod).stream().anyMatch(c -> c.getMinDomains() != null)) {
            fields.add("spec.topologySpreadConstraints minDomains");
        }
        if (pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
                .anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
            fields.add("container hostPort");
        }
        if (!fields.isEmpty()) {
            throw new IllegalArgumentException("pod " + Kube.key(pod) + ": the lab does not model " + String.join("; nor ", fields));
        }
    }

    /** The constraint's selector matches {@code other}, and so do the incoming pod's values of its matchLabelKeys. */
    private static boolean spreadMatches(TopologySpreadConstraint constraint, Pod pod, Pod other) {
        if (!Kube.matches(constraint.getLabelSelector(), Kube.labels(other), "pod " + Kube.key(pod))) {
            return false;
        }
        for (String key : constraint.getMatchLabelKeys() == null ? List.<String>of() : constraint.getMatchLabelKeys()) {
            String value = Kube.labels(pod).get(key);
            if (value != null && !value.equals(Kube.labels(other).get(key))) {
                return false;
            }
        }
        return true;
    }

    /** Matching pods per domain, over the nodes that pass the pod's node selection (nodeAffinityPolicy Honor). */
    private static Map<String, Integer> domainCounts(Pod pod, TopologySpreadConstraint constraint, List<Node> nodes,
                                                     List<Pod> placed) {
        boolean honorTaints = "Honor".equals(constraint.getNodeTaintsPolicy());
        boolean ignoreAffinity = "Ignore".equals(constraint.getNodeAffinityPolicy());
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> domainOfNode = new HashMap<>();
        for (Node node : nodes) {
            String domain = domain(node, constraint.getTopologyKey());
            if (domain == null || !ignoreAffinity && !matchesNodeSelection(pod, node)
                    || honorTaints && untoleratedTaint(pod, node) != null) {
                continue;
            }
            counts.putIfAbsent(domain, 0);
            domainOfNode.put(node.getMetadata().getName(), domain);
        }
        for (Pod other : placed) {
            String domain = domainOfNode.get(nodeName(other));
            if (domain != null && Kube.namespace(other).equals(Kube.namespace(pod)) && spreadMatches(constraint, pod, other)) {
                counts.merge(domain, 1, Integer::sum);
            }
        }
        return counts;
    }

    static boolean matchesNodeSelection(Pod pod, Node node) {
        Map<String, String> labels = Kube.labels(node);
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null && !selector.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()))) {
            return false;
        }
        Affinity affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<NodeSelectorTerm> terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        return terms == null || terms.isEmpty() || terms.stream().anyMatch(term -> termMatches(term, node, pod));
    }

    private static boolean termMatches(NodeSelectorTerm term, Node node, Pod pod) {
        Map<String, String> labels = Kube.labels(node);
        List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
        List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
        for (NodeSelectorRequirement requirement : expressions) {
            if (!requirementMatches(requirement, labels.get(requirement.getKey()), pod)) {
                return false;
            }
        }
        for (NodeSelectorRequirement requirement : fields) {
            String value = "metadata.name".equals(requirement.getKey()) ? node.getMetadata().getName() : null;
            if (!requirementMatches(requirement, value, pod)) {
                return false;
            }
        }
        return !expressions.isEmpty() || !fields.isEmpty();
    }

    private static boolean requirementMatches(NodeSelectorRequirement requirement, String value, Pod pod) {
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt" -> value != null && parseLong(value) > parseLong(values.get(0));
            case "Lt" -> value != null && parseLong(value) < parseLong(values.get(0));
            default -> throw new IllegalArgumentException("pod " + Kube.key(pod) + ": unknown node selector operator "
                    + requirement.getOperator());
        };
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The first NoSchedule/NoExecute taint of the node the pod does not tolerate, or null. */
    static Taint untoleratedTaint(Pod pod, Node node) {
        if (node.getSpec() == null || node.getSpec().getTaints() == null) {
            return null;
        }
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
        for (Taint taint : node.getSpec().getTaints()) {
            if ("PreferNoSchedule".equals(taint.getEffect())) {
                continue;
            }
            if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
                return taint;
            }
        }
        return null;
    }

    private static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != null && !toleration.getEffect().isEmpty()
                && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey() == null ? "" : toleration.getKey();
        if ("Exists".equals(toleration.getOperator())) {
            return key.isEmpty() || key.equals(taint.getKey());
        }
        return key.equals(taint.getKey()) && Objects.equals(emptyIfNull(toleration.getValue()), emptyIfNull(taint.getValue()));
    }

    private static String emptyIfNull(String value) {
        return value == null ? "" : value;
    }

    private static List<TopologySpreadConstraint> spread(Pod pod) {
        List<TopologySpreadConstraint> constraints = pod.getSpec().getTopologySpreadConstraints();
        return constraints == null ? List.of() : constraints;
    }

    private static List<PodAffinityTerm> requiredAntiAffinity(Pod pod) {
        Affinity affinity = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAntiAffinity() == null
                || affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }

    private static List<WeightedPodAffinityTerm> preferredAntiAffinity(Pod pod) {
        Affinity affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAntiAffinity() == null
                || affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    }

    /** Whether {@code term} (declared by {@code owner}) selects {@code other}. */
    private static boolean termMatches(PodAffinityTerm term, Pod owner, Pod other) {
        // a namespaceSelector is refused (refuseUnmodelled): namespaces, or else the owner's namespace
        boolean namespaceOk = term.getNamespaces() == null || term.getNamespaces().isEmpty()
                ? Kube.namespace(owner).equals(Kube.namespace(other))
                : term.getNamespaces().contains(Kube.namespace(other));
        return namespaceOk && Kube.matches(term.getLabelSelector(), Kube.labels(other), "pod " + Kube.key(owner));
    }

    private static boolean inDomain(Pod pod, String topologyKey, String domain, List<Node> nodes) {
        String name = nodeName(pod);
        return nodes.stream().anyMatch(n -> n.getMetadata().getName().equals(name) && domain.equals(domain(n, topologyKey)));
    }

    private static String domain(Node node, String topologyKey) {
        String value = Kube.labels(node).get(topologyKey);
        if (value == null && HOSTNAME.equals(topologyKey)) {
            return node.getMetadata().getName();
        }
        return value;
    }

    public static String nodeName(Pod pod) {
        return pod.getSpec() == null ? null : Kube.emptyToNull(pod.getSpec().getNodeName());
    }
}

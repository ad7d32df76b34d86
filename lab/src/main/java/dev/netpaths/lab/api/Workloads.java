package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Deployment, ReplicaSet and DaemonSet controllers, collapsed: turns workloads into the Pods they
 * would create. Names follow Kubernetes: {@code <deployment>-<pod-template-hash>-<5 chars>} and
 * {@code <daemonset>-<5 chars>}, the 5 characters drawn from apimachinery's alphabet but derived from the
 * owner and the replica index (or node), so a lab run is repeatable. Pods carry the template's labels (plus
 * {@code pod-template-hash} for Deployments, {@code controller-revision-hash} and
 * {@code pod-template-generation: "1"} for DaemonSets), annotations and spec, the namespace and the owner
 * reference (the ReplicaSet {@code <deployment>-<hash>}, resp. the DaemonSet), {@code status.phase: Pending},
 * and {@code spec.nodeName}: from the {@link Scheduler} for Deployments and bare Pods, the node itself for
 * DaemonSet pods (one per node that passes nodeSelector, required node affinity and NoSchedule/NoExecute
 * taints).
 *
 * <p>Simplified: the hashes are FNV-32a over the template's JSON, encoded like Kubernetes'
 * {@code SafeEncodeString} (Kubernetes hashes a Go dump of the struct, so the values differ); one ReplicaSet
 * per Deployment (no rollout history); no owner UIDs; the DaemonSet controller's automatic tolerations
 * (not-ready, unreachable, pressure taints) are not added since lab nodes never carry those taints.
 */
public final class Workloads {
    private Workloads() {
    }

    /**
     * Expands the Deployments, DaemonSets and bare Pods among {@code objects} into scheduled Pods: bare Pods
     * first (as given; scheduled when {@code spec.nodeName} is empty), then DaemonSets, then Deployments, in
     * input order. Input objects are not modified.
     *
     * @throws IllegalStateException naming the pod when no node fits it (a real cluster would leave it Pending)
     */
    public static List<Pod> expand(List<HasMetadata> objects, List<Node> nodes) {
        List<Pod> pods = new ArrayList<>();
        for (Pod pod : Manifests.ofType(objects, Pod.class)) {
            pods.add(new PodBuilder(pod).editMetadata().withNamespace(Kube.namespace(pod)).endMetadata()
                    .editOrNewStatus().withPhase("Pending").endStatus().build());
        }
        for (DaemonSet ds : Manifests.ofType(objects, DaemonSet.class)) {
            pods.addAll(daemonSetPods(ds, nodes));
        }
        for (Deployment deployment : Manifests.ofType(objects, Deployment.class)) {
            pods.addAll(deploymentPods(deployment));
        }
        return Scheduler.schedule(pods, nodes);
    }

    private static List<Pod> daemonSetPods(DaemonSet ds, List<Node> nodes) {
        PodTemplateSpec template = defaulted(ds.getSpec().getTemplate());
        String ns = Kube.namespace(ds);
        String name = ds.getMetadata().getName();
        String revision = templateHash(template);
        OwnerReference owner = owner("apps/v1", "DaemonSet", name);
        List<Pod> pods = new ArrayList<>();
        for (Node node : nodes) {
            String nodeName = node.getMetadata().getName();
            Pod candidate = pod(template, ns, name + "-" + Kube.suffix(ns + "/" + name + "@" + nodeName),
                    Map.of("controller-revision-hash", revision, "pod-template-generation", "1"), owner);
            if (Scheduler.matchesNodeSelection(candidate, node) && Scheduler.untoleratedTaint(candidate, node) == null) {
                pods.add(new PodBuilder(candidate).editSpec().withNodeName(nodeName).endSpec().build());
            }
        }
        return pods;
    }

    private static List<Pod> deploymentPods(Deployment deployment) {
        PodTemplateSpec template = defaulted(deployment.getSpec().getTemplate());
        String ns = Kube.namespace(deployment);
        String hash = templateHash(template);
        String replicaSet = deployment.getMetadata().getName() + "-" + hash;
        OwnerReference owner = owner("apps/v1", "ReplicaSet", replicaSet);
        Integer replicas = deployment.getSpec().getReplicas();
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < (replicas == null ? 1 : replicas); i++) {
            pods.add(pod(template, ns, replicaSet + "-" + Kube.suffix(ns + "/" + replicaSet + "#" + i),
                    Map.of("pod-template-hash", hash), owner));
        }
        return pods;
    }

    private static Pod pod(PodTemplateSpec template, String ns, String name, Map<String, String> extraLabels,
                           OwnerReference owner) {
        if (template == null || template.getSpec() == null) {
            throw new IllegalArgumentException(owner.getKind() + " " + ns + "/" + owner.getName() + " has no pod template");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            labels.putAll(template.getMetadata().getLabels());
        }
        labels.putAll(extraLabels);
        Map<String, String> annotations = template.getMetadata() == null ? null : template.getMetadata().getAnnotations();
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(owner).endMetadata()
                .withSpec(Serialization.clone(template.getSpec()))
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
    }

    private static OwnerReference owner(String apiVersion, String kind, String name) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name)
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /**
     * The template as the API server stores it, before any controller hashes it: a container port without a
     * protocol gets TCP (SetDefaults_ContainerPort in kubernetes/kubernetes pkg/apis/core/v1/defaults.go). So
     * leaving out {@code protocol: TCP} changes neither the hash nor the pods' names, as on a real cluster.
     */
    static PodTemplateSpec defaulted(PodTemplateSpec template) {
        if (template == null || template.getSpec() == null) {
            return template;
        }
        PodTemplateSpec copy = Serialization.clone(template);
        java.util.stream.Stream.concat(copy.getSpec().getInitContainers().stream(), copy.getSpec().getContainers().stream())
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> p.getProtocol() == null || p.getProtocol().isEmpty())
                .forEach(p -> p.setProtocol("TCP"));
        return copy;
    }

    /** pod-template-hash: FNV-32a of the template, its decimal form safe-encoded, as ComputeHash does. */
    static String templateHash(PodTemplateSpec template) {
        return Kube.safeEncode(Long.toString(Kube.fnv32a(Serialization.asJson(template))));
    }
}

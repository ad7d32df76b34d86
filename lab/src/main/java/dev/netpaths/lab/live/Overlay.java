package dev.netpaths.lab.live;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.api.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code apply} and {@code delete} changed in a running cluster, on top of the manifests {@code up} deployed: the
 * objects applied (the newest per kind, namespace and name) and the ones deleted. It lives in
 * {@code <state-dir>/<cluster>/applied.yaml} and {@code deleted}, written atomically before the data plane changes,
 * so every later verb re-reads the cluster as the user left it (and {@code down} removes it with the state dir).
 *
 * <p>The kinds a running lab takes are the ones whose change the lab's controllers carry out without restarting a
 * pod: Services (admitted as the API server does: ClusterIP, node ports, MetalLB's IP), NetworkPolicies, Ingresses,
 * HTTPRoutes and ReferenceGrants, and a Deployment's {@code spec.replicas}. Anything else is refused by name.
 */
public final class Overlay {
    /** kubectl's resource names (singular, plural, short) for each kind a running lab takes, and its API group. */
    private static final Map<String, String> KINDS = new LinkedHashMap<>();
    private static final Map<String, String> GROUPS = Map.of("Service", "", "NetworkPolicy", "networking.k8s.io",
            "Ingress", "networking.k8s.io", "HTTPRoute", "gateway.networking.k8s.io",
            "ReferenceGrant", "gateway.networking.k8s.io", "Deployment", "apps");
    private static final Map<String, String> PLURALS = Map.of("Service", "services", "NetworkPolicy", "networkpolicies",
            "Ingress", "ingresses", "HTTPRoute", "httproutes", "ReferenceGrant", "referencegrants", "Deployment", "deployments");

    static {
        for (String n : List.of("service", "services", "svc")) {
            KINDS.put(n, "Service");
        }
        for (String n : List.of("networkpolicy", "networkpolicies", "netpol")) {
            KINDS.put(n, "NetworkPolicy");
        }
        for (String n : List.of("ingress", "ingresses", "ing")) {
            KINDS.put(n, "Ingress");
        }
        for (String n : List.of("httproute", "httproutes")) {
            KINDS.put(n, "HTTPRoute");
        }
        for (String n : List.of("referencegrant", "referencegrants", "refgrant")) {
            KINDS.put(n, "ReferenceGrant");
        }
        for (String n : List.of("deployment", "deployments", "deploy")) {
            KINDS.put(n, "Deployment");
        }
    }

    /** One object's identity: kind, namespace, name. */
    public record Key(String kind, String namespace, String name) {
        static Key of(HasMetadata o) {
            return new Key(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
        }

        static Key parse(String line) {
            String[] p = line.split(" ");
            return new Key(p[0], p[1], p[2]);
        }

        String line() {
            return kind + " " + namespace + " " + name;
        }

        /** As kubectl names it in its messages: {@code networkpolicy.networking.k8s.io/deny-all}. */
        public String display() {
            String group = GROUPS.getOrDefault(kind, "");
            return kind.toLowerCase() + (group.isEmpty() ? "" : "." + group) + "/" + name;
        }

        /** kubectl's not-found message. */
        String notFound() {
            String group = GROUPS.getOrDefault(kind, "");
            return PLURALS.getOrDefault(kind, kind.toLowerCase()) + (group.isEmpty() ? "" : "." + group) + " \"" + name
                    + "\" not found in namespace " + namespace;
        }
    }

    private final Map<Key, HasMetadata> applied;
    private final Set<Key> deleted;

    private Overlay(Map<Key, HasMetadata> applied, Set<Key> deleted) {
        this.applied = applied;
        this.deleted = deleted;
    }

    public static Overlay empty() {
        return new Overlay(new LinkedHashMap<>(), new LinkedHashSet<>());
    }

    public boolean isEmpty() {
        return applied.isEmpty() && deleted.isEmpty();
    }

    /** The overlay recorded for one cluster (empty when nothing was applied or deleted). */
    public static Overlay read(Path clusterDir) {
        Overlay o = empty();
        try {
            Path yaml = clusterDir.resolve("applied.yaml");
            if (Files.exists(yaml)) {
                Manifests.parse(Files.readString(yaml)).forEach(x -> o.applied.put(Key.of(x), x));
            }
            Path del = clusterDir.resolve("deleted");
            if (Files.exists(del)) {
                Files.readAllLines(del).stream().filter(l -> !l.isBlank()).map(Key::parse).forEach(o.deleted::add);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new LabException("cannot read the lab's applied changes in " + clusterDir + ": " + e.getMessage(), e);
        }
        return o;
    }

    /** Writes both files atomically (a rename each): a kill -9 leaves the old or the new, never half. */
    public void write(Path clusterDir) {
        atomically(clusterDir.resolve("applied.yaml"),
                Serialization.asYaml(new KubernetesListBuilder().withItems(new ArrayList<>(applied.values())).build()));
        atomically(clusterDir.resolve("deleted"), String.join("\n", deleted.stream().map(Key::line).toList()) + "\n");
    }

    private static void atomically(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** kubectl's resource name ({@code netpol}, {@code svc}, {@code services}...) to the kind, or a refusal. */
    public static String kindOf(String resource) {
        String kind = KINDS.get(resource.toLowerCase());
        if (kind == null) {
            throw new Refused("the lab does not change \"" + resource + "\" while it runs: it takes "
                    + String.join(", ", GROUPS.keySet().stream().sorted().toList()) + " (tear down and `up` for the rest)");
        }
        return kind;
    }

    /** What one apply did to one object, in kubectl's words. */
    public enum Outcome { CREATED, CONFIGURED, UNCHANGED }

    /** An object as the user applied it, and what that did. */
    public record Change(Key key, HasMetadata object, Outcome outcome) {
        public String line() {
            return key.display() + " " + outcome.name().toLowerCase();
        }
    }

    /**
     * This overlay with {@code objects} applied over the objects the cluster has now ({@code current}: the manifests
     * with this overlay merged). Refuses, changing nothing, a kind the running lab does not take, a namespace that
     * does not exist, a Deployment that is not there or differs in more than {@code spec.replicas}.
     *
     * @param defaultNamespace the namespace of an object that names none ({@code -n})
     * @param changes          receives one {@link Change} per object, in input order
     */
    public Overlay apply(List<HasMetadata> objects, List<HasMetadata> current, String defaultNamespace, List<Change> changes) {
        Overlay next = copy();
        Set<String> namespaces = new LinkedHashSet<>();
        current.stream().filter(Namespace.class::isInstance).forEach(n -> namespaces.add(n.getMetadata().getName()));
        current.forEach(o -> Optional.ofNullable(o.getMetadata().getNamespace()).ifPresent(namespaces::add));
        for (HasMetadata raw : objects) {
            HasMetadata o = Serialization.clone(raw);
            String kind = kindOf(o.getKind());
            String group = GROUPS.get(kind);
            String apiGroup = o.getApiVersion() == null || !o.getApiVersion().contains("/") ? "" : o.getApiVersion().substring(0, o.getApiVersion().indexOf('/'));
            if (!group.equals(apiGroup)) {
                throw new Refused(kind + " " + o.getMetadata().getName() + ": apiVersion " + o.getApiVersion()
                        + " is not the lab's " + (group.isEmpty() ? "v1" : group + "/v1"));
            }
            if (o.getMetadata().getNamespace() == null) {
                o.getMetadata().setNamespace(defaultNamespace);
            }
            if (!namespaces.contains(o.getMetadata().getNamespace())) {
                throw new Refused("namespaces \"" + o.getMetadata().getNamespace() + "\" not found (" + kind + " "
                        + o.getMetadata().getName() + "): the lab's namespaces are the manifests' " + namespaces);
            }
            Key key = Key.of(o);
            Optional<HasMetadata> was = find(current, key);
            if (o instanceof Deployment d) {
                Deployment now = (Deployment) was.orElseThrow(() -> new Refused(key.notFound()
                        + ": the lab runs the Deployments `up` started; apply changes their spec.replicas only"));
                Deployment same = Serialization.clone(now);
                same.getSpec().setReplicas(d.getSpec().getReplicas());
                if (!comparable(same).equals(comparable(d))) {
                    throw new Refused(key.display() + ": the lab applies a change of spec.replicas only to a running"
                            + " Deployment (roll its pods with `rollout restart`; other fields need `down` and `up`)");
                }
            }
            Outcome outcome = was.isEmpty() ? Outcome.CREATED
                    : comparable(was.get()).equals(comparable(o)) ? Outcome.UNCHANGED : Outcome.CONFIGURED;
            next.deleted.remove(key);
            next.applied.put(key, o);
            changes.add(new Change(key, o, outcome));
        }
        return next;
    }

    /** This overlay with {@code keys} deleted; refuses (changing nothing) a name the cluster does not have, or a Deployment. */
    public Overlay delete(List<Key> keys, List<HasMetadata> current) {
        Overlay next = copy();
        for (Key key : keys) {
            kindOf(key.kind());
            if ("Deployment".equals(key.kind())) {
                throw new Refused("the lab does not delete a Deployment while it runs: scale it to 0"
                        + " (`scale deployment/" + key.name() + " --replicas=0`)");
            }
            if (find(current, key).isEmpty()) {
                throw new Refused(key.notFound());
            }
            next.applied.remove(key);
            next.deleted.add(key);
        }
        return next;
    }

    /**
     * The manifests with this overlay merged: deleted objects left out, applied ones replacing (or added after) the
     * manifests' own; every Service keeps the ClusterIP, node ports and LoadBalancer IP the cluster gave it
     * ({@code admitted}, from cluster.yaml), as the API server keeps a Service's allocations when it is updated.
     *
     * @throws Refused when an applied Service asks for another ClusterIP than the one it has (immutable)
     */
    public List<HasMetadata> merge(List<HasMetadata> manifests, List<Service> admitted) {
        List<HasMetadata> out = new ArrayList<>();
        Set<Key> placed = new LinkedHashSet<>();
        for (HasMetadata o : manifests) {
            Key key = Key.of(o);
            if (deleted.contains(key)) {
                continue;
            }
            HasMetadata replaced = applied.get(key);
            out.add(replaced != null ? Serialization.clone(replaced) : o);
            placed.add(key);
        }
        applied.forEach((k, o) -> {
            if (!placed.contains(k)) {
                out.add(Serialization.clone(o));
            }
        });
        for (HasMetadata o : out) {
            if (o instanceof Service s) {
                admitted.stream().filter(a -> Key.of(a).equals(Key.of(s))).findFirst().ifPresent(a -> keepAllocations(s, a));
            }
        }
        return out;
    }

    private static void keepAllocations(Service s, Service admitted) {
        String wanted = s.getSpec().getClusterIP();
        String has = admitted.getSpec().getClusterIP();
        if (wanted != null && !wanted.isEmpty() && !wanted.equals(has)) {
            throw new Refused("Service " + s.getMetadata().getName() + ": spec.clusterIP: Invalid value: \"" + wanted
                    + "\": field is immutable (it has " + has + ")");
        }
        if (has != null && !"None".equals(has) && !"ExternalName".equals(s.getSpec().getType())) {
            s.getSpec().setClusterIP(has);
        }
        List<ServicePort> before = Optional.ofNullable(admitted.getSpec().getPorts()).orElse(List.of());
        for (ServicePort p : Optional.ofNullable(s.getSpec().getPorts()).orElse(List.of())) {
            if (p.getNodePort() == null) {
                before.stream().filter(b -> Objects.equals(b.getPort(), p.getPort())
                                && Objects.equals(Optional.ofNullable(b.getProtocol()).orElse("TCP"), Optional.ofNullable(p.getProtocol()).orElse("TCP")))
                        .map(ServicePort::getNodePort).filter(Objects::nonNull).findFirst().ifPresent(p::setNodePort);
            }
        }
        if ("LoadBalancer".equals(s.getSpec().getType()) && "LoadBalancer".equals(admitted.getSpec().getType())
                && admitted.getStatus() != null && admitted.getStatus().getLoadBalancer() != null) {
            s.setStatus(Serialization.clone(admitted.getStatus()));
        }
    }

    private static Optional<HasMetadata> find(List<HasMetadata> objects, Key key) {
        return objects.stream().filter(o -> Key.of(o).equals(key)).findFirst();
    }

    /** An object's spec as the user wrote it: status and the lab's bookkeeping left out. */
    private static String comparable(HasMetadata o) {
        HasMetadata c = Serialization.clone(o);
        c.getMetadata().setAnnotations(null);
        c.getMetadata().setResourceVersion(null);
        com.fasterxml.jackson.databind.node.ObjectNode tree = Serialization.jsonMapper().valueToTree(c);
        tree.remove("status");
        return tree.toString();
    }

    private Overlay copy() {
        return new Overlay(new LinkedHashMap<>(applied), new LinkedHashSet<>(deleted));
    }
}

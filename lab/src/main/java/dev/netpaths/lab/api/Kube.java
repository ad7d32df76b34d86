package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** The API machinery bits the controllers share: selectors, object keys, Kubernetes' name hashing. */
public final class Kube {
    /** The alphabet of apimachinery's {@code rand.String}/{@code SafeEncodeString} (no vowels, no 0/1/3). */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private Kube() {
    }

    public static String namespace(HasMetadata object) {
        String ns = object.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    /** {@code Kind ns/name}, how errors name an object. */
    public static String ref(HasMetadata object) {
        return object.getKind() + " " + namespace(object) + "/" + object.getMetadata().getName();
    }

    public static String key(HasMetadata object) {
        return namespace(object) + "/" + object.getMetadata().getName();
    }

    public static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    /** A Service-style selector (equality on every key); an empty or null selector matches nothing here. */
    public static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty()) {
            return false;
        }
        return selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    /**
     * A metav1.LabelSelector: {@code null} matches nothing, an empty selector matches everything.
     *
     * @param owner named in the exception for an unknown operator
     */
    public static boolean matches(LabelSelector selector, Map<String, String> labels, String owner) {
        if (selector == null) {
            return false;
        }
        Map<String, String> matchLabels = selector.getMatchLabels();
        if (matchLabels != null && !matchLabels.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()))) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        if (expressions == null) {
            return true;
        }
        for (LabelSelectorRequirement requirement : expressions) {
            String value = labels.get(requirement.getKey());
            List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
            boolean ok = switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException(owner + ": unknown label selector operator "
                        + requirement.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static boolean isReady(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return false;
    }

    /**
     * The numbers of the pod's container ports named {@code name} with {@code protocol} (init containers
     * included, for native sidecars), as Kubernetes resolves named ports.
     */
    public static List<Integer> namedPorts(Pod pod, String name, String protocol) {
        return Stream.concat(
                        pod.getSpec().getContainers() == null ? Stream.<Container>empty() : pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers() == null ? Stream.<Container>empty() : pod.getSpec().getInitContainers().stream())
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(cp -> name.equals(cp.getName())
                        && protocol.equalsIgnoreCase(cp.getProtocol() == null ? "TCP" : cp.getProtocol()))
                .map(ContainerPort::getContainerPort)
                .distinct()
                .toList();
    }

    public static String podIp(Pod pod) {
        return pod.getStatus() == null ? null : emptyToNull(pod.getStatus().getPodIP());
    }

    public static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** FNV-1a 32 bit, the hash Kubernetes uses for pod-template-hash and controller-revision-hash. */
    public static long fnv32a(String text) {
        long hash = 0x811c9dc5L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash = hash * 0x01000193L & 0xFFFFFFFFL;
        }
        return hash;
    }

    /** apimachinery's {@code rand.SafeEncodeString}: each character mapped into the safe alphabet. */
    public static String safeEncode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
        }
        return out.toString();
    }

    /**
     * A deterministic stand-in for apimachinery's random 5-character suffix ({@code rand.String(5)}), drawn
     * from the same alphabet and seeded by {@code seed}.
     */
    public static String suffix(String seed) {
        byte[] hash = sha256(seed);
        StringBuilder out = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            out.append(ALPHANUMS.charAt((hash[i] & 0xff) % ALPHANUMS.length()));
        }
        return out.toString();
    }
}

package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment kubelet gives a container: {@code envFrom} ConfigMaps first, then {@code env} (later wins), with
 * literal values, {@code $(VAR)} references to earlier variables, the Downward API ({@code fieldRef}) and
 * {@code configMapKeyRef}. The pod must already carry its node, IPs and uid.
 */
public final class EnvResolver {
    private static final Pattern REF = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");
    private static final Pattern LABEL_REF = Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

    private final List<ConfigMap> configMaps;

    public EnvResolver(List<ConfigMap> configMaps) {
        this.configMaps = configMaps;
    }

    public Map<String, String> resolve(Pod pod, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() != null) {
                String prefix = Objects.requireNonNullElse(from.getPrefix(), "");
                configMap(pod, from.getConfigMapRef().getName(), Boolean.TRUE.equals(from.getConfigMapRef().getOptional()), c)
                        .ifPresent(cm -> Optional.ofNullable(cm.getData()).orElse(Map.of())
                                .forEach((k, v) -> env.put(prefix + k, v)));
            } else {
                throw new LabException(where(pod, c) + ": envFrom supports configMapRef only (the lab has no Secrets)");
            }
        }
        for (EnvVar v : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            if (v.getValueFrom() == null) {
                env.put(v.getName(), expand(Objects.requireNonNullElse(v.getValue(), ""), env));
            } else {
                valueFrom(pod, c, v).ifPresent(value -> env.put(v.getName(), value));
            }
        }
        return env;
    }

    /** Kubernetes' {@code $(VAR)} expansion: known names are replaced, unknown ones kept verbatim, {@code $$} escapes. */
    public static String expand(String s, Map<String, String> env) {
        Matcher m = REF.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String rep = m.group(1) == null ? "\\$" : Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group()));
            m.appendReplacement(out, rep);
        }
        return m.appendTail(out).toString();
    }

    private Optional<String> valueFrom(Pod pod, Container c, EnvVar v) {
        EnvVarSource src = v.getValueFrom();
        if (src.getFieldRef() != null) {
            return Optional.of(field(pod, c, src.getFieldRef()));
        }
        if (src.getConfigMapKeyRef() != null) {
            var ref = src.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<String> value = configMap(pod, ref.getName(), optional, c)
                    .map(cm -> Optional.ofNullable(cm.getData()).orElse(Map.of()).get(ref.getKey()));
            if (value.isEmpty() && !optional) {
                throw new LabException(where(pod, c) + ": env " + v.getName() + ": ConfigMap " + ref.getName() + " has no key " + ref.getKey());
            }
            return value;
        }
        throw new LabException(where(pod, c) + ": env " + v.getName() + ": only value, fieldRef and configMapKeyRef are supported (the lab has no Secrets or resource limits)");
    }

    private static String field(Pod pod, Container c, ObjectFieldSelector sel) {
        String path = sel.getFieldPath();
        Matcher m = LABEL_REF.matcher(path);
        if (m.matches()) {
            Map<String, String> map = m.group(1).equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
            return Optional.ofNullable(map).map(x -> x.get(m.group(2))).orElse("");
        }
        String value = switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default");
            case "status.podIP", "status.podIPs" -> pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            case "status.hostIP", "status.hostIPs" -> pod.getStatus() == null ? null : pod.getStatus().getHostIP();
            default -> throw new LabException(where(pod, c) + ": fieldRef " + path + " is not supported by the lab");
        };
        if (value == null) {
            throw new LabException(where(pod, c) + ": fieldRef " + path + " has no value yet (the pod must be wired first)");
        }
        return value;
    }

    private Optional<ConfigMap> configMap(Pod pod, String name, boolean optional, Container c) {
        Optional<ConfigMap> cm = configMaps.stream()
                .filter(x -> name.equals(x.getMetadata().getName())
                        && pod.getMetadata().getNamespace().equals(x.getMetadata().getNamespace()))
                .findFirst();
        if (cm.isEmpty() && !optional) {
            throw new LabException(where(pod, c) + ": ConfigMap " + pod.getMetadata().getNamespace() + "/" + name + " is not in the manifests");
        }
        return cm;
    }

    private static String where(Pod pod, Container c) {
        return "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " container " + c.getName();
    }
}

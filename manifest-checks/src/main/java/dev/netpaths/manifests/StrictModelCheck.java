package dev.netpaths.manifests;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deserializes core, apps, networking and Gateway API objects into their fabric8 model and fails on any
 * field the model does not know. fabric8 never rejects an unknown field: it keeps it in the object's
 * {@code additionalProperties}; this check walks the whole object graph and reports every non-empty one
 * with its path (a typo such as {@code targetPorts} or a field at the wrong level). Wrong value types
 * (a string where a number belongs) are reported from Jackson's error.
 *
 * <p>Kinds with no fabric8 model (Istio, MetalLB) are left to {@link SchemaCheck}; a kind neither knows is
 * a finding of {@link #unchecked(List)}, so nothing goes unchecked silently.
 */
public final class StrictModelCheck implements Check {

    /** apiVersion + "/" + kind → fabric8 model class. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Pod", Pod.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/DaemonSet", DaemonSet.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("gateway.networking.k8s.io/v1/GatewayClass", GatewayClass.class),
            Map.entry("gateway.networking.k8s.io/v1/Gateway", Gateway.class),
            Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
            // Gateway API v1.6 serves ReferenceGrant as v1 (what its examples write) and v1beta1, one schema
            // (kubernetes-sigs/gateway-api config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml);
            // fabric8 7.5.2 models only v1beta1, so both versions are checked against that model.
            Map.entry("gateway.networking.k8s.io/v1/ReferenceGrant", ReferenceGrant.class),
            Map.entry("gateway.networking.k8s.io/v1beta1/ReferenceGrant", ReferenceGrant.class));

    private static final ObjectMapper MAPPER = Serialization.jsonMapper();

    public static boolean hasModel(Manifest m) {
        return MODELS.containsKey(m.apiVersion() + "/" + m.kind());
    }

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (Manifest m : manifests) {
            Class<?> model = MODELS.get(m.apiVersion() + "/" + m.kind());
            if (model == null) {
                continue;
            }
            Object typed;
            try {
                typed = MAPPER.treeToValue(m.body(), model);
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                findings.add(m.describe() + ": does not deserialize into " + model.getSimpleName() + ": " + message);
                continue;
            }
            List<String> unknown = new ArrayList<>();
            walk(typed, "", unknown, new IdentityHashMap<>());
            for (String path : unknown) {
                findings.add(m.finding(path, "unknown field (not in the fabric8 " + model.getSimpleName()
                        + " model: a typo, or a field at the wrong level)"));
            }
        }
        return findings;
    }

    /** Objects whose apiVersion/kind neither a fabric8 model nor a vendored schema covers. */
    public static List<String> unchecked(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (Manifest m : manifests) {
            if (!hasModel(m) && !SchemaCheck.hasSchema(m)) {
                findings.add(m.describe() + ": apiVersion " + m.apiVersion() + " kind " + m.kind()
                        + " has neither a fabric8 model nor a vendored schema: it would go unchecked");
            }
        }
        return findings;
    }

    private static void walk(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                walk(e.getValue(), path + "[" + e.getKey() + "]", unknown, seen);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.") || node instanceof Quantity
                || node instanceof IntOrString || node.getClass().isEnum()) {
            return;
        }
        for (Class<?> c = node.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value = read(field, node);
                if (field.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                    for (Object key : Set.copyOf(extra.keySet())) {
                        unknown.add(join(path, String.valueOf(key)));
                    }
                    continue;
                }
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                if (property != null) {
                    walk(value, join(path, property.value()), unknown, seen);
                }
            }
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

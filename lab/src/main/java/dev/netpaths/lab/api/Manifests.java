package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads manifests as the API server would receive them: multi-document YAML into fabric8 objects. Core,
 * apps, networking, discovery and Gateway API kinds become their typed model classes; kinds fabric8 has no
 * model for here (Istio, MetalLB) become {@link io.fabric8.kubernetes.api.model.GenericKubernetesResource}.
 * {@code List} kinds are flattened into their items; empty documents are skipped.
 */
public final class Manifests {
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");

    private Manifests() {
    }

    /**
     * Parses a multi-document YAML stream (as {@code kubectl kustomize} prints it).
     *
     * @throws IllegalArgumentException naming the document number when a document cannot be read or is not
     *                                  a Kubernetes object (no kind or no metadata.name)
     */
    public static List<HasMetadata> parse(String multiDocYaml) {
        List<HasMetadata> objects = new ArrayList<>();
        String[] documents = DOCUMENT_SEPARATOR.split(multiDocYaml);
        for (int i = 0; i < documents.length; i++) {
            String document = documents[i];
            int number = i + 1;
            if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            KubernetesResource resource;
            try {
                resource = Serialization.unmarshal(document, KubernetesResource.class);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("manifest document " + number + " cannot be read: "
                        + e.getMessage(), e);
            }
            if (resource instanceof KubernetesList list) {
                list.getItems().forEach(item -> objects.add(checked(item, number)));
            } else if (resource instanceof HasMetadata object) {
                objects.add(checked(object, number));
            } else {
                throw new IllegalArgumentException("manifest document " + number + " is not a Kubernetes object");
            }
        }
        return objects;
    }

    private static HasMetadata checked(HasMetadata object, int document) {
        if (object.getKind() == null || object.getMetadata() == null || object.getMetadata().getName() == null) {
            throw new IllegalArgumentException("manifest document " + document + " has no kind or metadata.name");
        }
        return typedReferenceGrant(object);
    }

    /**
     * Gateway API serves ReferenceGrant as v1 and v1beta1 with one schema (kubernetes-sigs/gateway-api
     * config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml, v1.6.1); fabric8 7.5.2 models only
     * v1beta1, so a v1 grant is read into that model (keeping the apiVersion it was written with).
     */
    private static HasMetadata typedReferenceGrant(HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic && "ReferenceGrant".equals(generic.getKind())
                && "gateway.networking.k8s.io/v1".equals(generic.getApiVersion())) {
            return Serialization.jsonMapper().convertValue(generic, ReferenceGrant.class);
        }
        return object;
    }

    /**
     * The untyped objects (CRDs without a fabric8 model, e.g. Istio, MetalLB) of API group {@code group} and
     * {@code kind}, in input order; e.g. {@code ofKind(objects, "networking.istio.io", "VirtualService")}.
     */
    public static List<GenericKubernetesResource> ofKind(List<HasMetadata> objects, String group, String kind) {
        return ofType(objects, GenericKubernetesResource.class).stream()
                .filter(o -> kind.equals(o.getKind()) && o.getApiVersion() != null
                        && o.getApiVersion().startsWith(group + "/"))
                .toList();
    }

    /** The objects of {@code type}, in input order. */
    public static <T> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}

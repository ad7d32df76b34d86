package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kubernetes object as written in a file or rendered by kustomize.
 *
 * @param source the file it comes from, relative to the repository root (for rendered overlays the
 *               file kustomize read it from, taken from the {@code config.kubernetes.io/origin} annotation)
 * @param body   the object as a JSON tree
 */
public record Manifest(String source, ObjectNode body) {

    public String apiVersion() {
        return body.path("apiVersion").asText("");
    }

    public String kind() {
        return body.path("kind").asText("");
    }

    /** The API group: "" for the core group. */
    public String group() {
        String apiVersion = apiVersion();
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public String name() {
        return body.path("metadata").path("name").asText("");
    }

    public String namespace() {
        return body.path("metadata").path("namespace").asText("");
    }

    public JsonNode spec() {
        return body.path("spec");
    }

    /** {@code Kind namespace/name}, or {@code Kind name} for cluster-scoped objects. */
    public String id() {
        return kind() + " " + (namespace().isEmpty() ? name() : namespace() + "/" + name());
    }

    public boolean is(String group, String kind) {
        return group().equals(group) && kind().equals(kind);
    }

    /** The start of every finding about this object: {@code file: Kind namespace/name}. */
    public String describe() {
        return source + ": " + id();
    }

    /** A finding about one field of this object. */
    public String finding(String field, String message) {
        return describe() + ": " + field + ": " + message;
    }

    /** A deep copy, for tests that break one object. */
    public Manifest copy() {
        return new Manifest(source, body.deepCopy());
    }
}

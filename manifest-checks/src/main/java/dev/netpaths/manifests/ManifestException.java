package dev.netpaths.manifests;

/** A manifest could not be read or rendered at all (bad YAML, kustomize error, kubectl missing). */
public class ManifestException extends RuntimeException {
    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}

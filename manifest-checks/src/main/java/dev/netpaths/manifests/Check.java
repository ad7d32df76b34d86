package dev.netpaths.manifests;

import java.util.List;

/**
 * One check over a set of manifests. A finding is one line naming the file, the object and the field:
 * {@code k8s/base/...yaml via k8s/overlays/kind: Service netpaths/echo: spec.selector: ...}.
 */
@FunctionalInterface
public interface Check {
    List<String> check(List<Manifest> manifests);
}

package dev.netpaths.lab.live;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The EndpointSlice controller's view of a deleted pod (kubernetes/kubernetes
 * {@code staging/src/k8s.io/endpointslice/utils.go podToEndpoint}): while the pod terminates its endpoint stays, with
 * {@code terminating: true}, {@code serving} = the pod's Ready condition and {@code ready: false}, so kube-proxy,
 * which proxies to ready endpoints, stops sending new connections to it on its next sync.
 *
 * <p>Simplified: a Service with {@code publishNotReadyAddresses} would keep {@code ready: true}; the lab marks it false.
 */
public final class TerminatingEndpoints {
    private TerminatingEndpoints() {
    }

    /** Marks, in place, the endpoints of pods that have a deletionTimestamp; returns the slices. */
    public static List<EndpointSlice> mark(List<EndpointSlice> slices, List<Pod> pods) {
        Set<String> deleting = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null)
                .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).collect(Collectors.toSet());
        if (deleting.isEmpty()) {
            return slices;
        }
        for (EndpointSlice s : slices) {
            s.getEndpoints().stream()
                    .filter(e -> e.getTargetRef() != null && deleting.contains(e.getTargetRef().getNamespace() + "/" + e.getTargetRef().getName()))
                    .forEach(e -> {
                        e.getConditions().setTerminating(true);
                        e.getConditions().setReady(false);
                    });
        }
        return slices;
    }
}

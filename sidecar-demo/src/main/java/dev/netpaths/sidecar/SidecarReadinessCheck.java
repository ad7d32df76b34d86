package dev.netpaths.sidecar;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * The app is ready only while its sidecar is. The sidecar listens on 127.0.0.1 only, so the kubelet, which
 * probes the pod IP, cannot probe it; its readiness reaches the pod's Ready condition (and so the Service's
 * endpoints) through this check. Liveness leaves the sidecar out: a dead sidecar must not restart the app.
 */
@Readiness
@ApplicationScoped
class SidecarReadinessCheck implements AsyncHealthCheck {

    private final SidecarClient sidecar;
    private final SidecarConfig config;

    SidecarReadinessCheck(SidecarClient sidecar, SidecarConfig config) {
        this.sidecar = sidecar;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(() -> sidecar.sidecarReady().toCompletionStage())
                .onFailure().recoverWithItem(false)
                .map(ready -> HealthCheckResponse.named("sidecar").status(ready).withData("url", config.url())
                        .build());
    }
}

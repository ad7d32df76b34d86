package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Optional;

import dev.netpaths.lab.addons.ClusterAddons.Addon;

/**
 * Istio's ingress gateway, port 80 ({@code http2}, the gateway chart's); nginx configured by {@link IstioNginx}. No
 * {@code externalTrafficPolicy}, so the API default {@code Cluster}, as the gateway chart installs it (istio/istio
 * 1.30.3 manifests/charts/gateway/values.yaml {@code service.externalTrafficPolicy: ""}, left out by
 * templates/service.yaml). The chart's other Service ports, {@code status-port} 15021 and {@code https} 443, are
 * not stood in (docs/lab/fidelity.md).
 */
final class IstioAddOn implements AddOn {
    private static final String GROUP = "networking.istio.io";

    @Override
    public Optional<Addon> pod() {
        return Optional.of(Addon.ISTIO_GATEWAY);
    }

    @Override
    public List<HasMetadata> objects(String dnsIp, List<HasMetadata> applied) {
        return ClusterAddons.install(Addon.ISTIO_GATEWAY, List.of(ClusterAddons.port("http2", 80, "TCP")), null, null);
    }

    @Override
    public StandIn standIn() {
        return StandIn.NGINX;
    }

    @Override
    public String render(Cluster cluster, NginxPaths paths) {
        return IstioNginx.render(cluster.generic("Gateway", GROUP), cluster.generic("VirtualService", GROUP),
                cluster.services(), cluster.slices(), paths);
    }
}

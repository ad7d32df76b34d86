package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;

import java.util.List;
import java.util.Optional;

import dev.netpaths.lab.addons.ClusterAddons.Addon;
import dev.netpaths.lab.api.Manifests;

/**
 * Envoy Gateway's proxy for the served Gateways: one Service port per listener port ({@code externalTrafficPolicy:
 * Local}, Envoy Gateway's default, {@code envoyproxy/gateway api/v1alpha1/kubernetes_helpers.go
 * DefaultKubernetesServiceExternalTrafficPolicy}); nginx configured by {@link GatewayNginx}, with the Envoy
 * Gateway policies ({@link GatewayPolicies}) attached to the routes they target.
 */
final class GatewayAddOn implements AddOn {
    @Override
    public Optional<Addon> pod() {
        return Optional.of(Addon.ENVOY_GATEWAY);
    }

    @Override
    public List<HasMetadata> objects(String dnsIp, List<HasMetadata> applied) {
        List<Integer> listenerPorts = GatewayNginx.listenerPorts(Manifests.ofType(applied, GatewayClass.class),
                Manifests.ofType(applied, Gateway.class));
        return ClusterAddons.install(Addon.ENVOY_GATEWAY, (listenerPorts.isEmpty() ? List.of(80) : listenerPorts).stream()
                .map(p -> ClusterAddons.port(p == 80 ? "http" : "http-" + p, p, "TCP")).toList(), null, "Local");
    }

    @Override
    public StandIn standIn() {
        return StandIn.NGINX;
    }

    @Override
    public String render(Cluster cluster, NginxPaths paths) {
        return GatewayNginx.render(cluster.ofType(GatewayClass.class), cluster.ofType(Gateway.class), cluster.ofType(HTTPRoute.class),
                cluster.ofType(ReferenceGrant.class), cluster.namespaces(), cluster.services(), cluster.slices(), paths,
                GatewayPolicies.read(cluster.objects(), cluster.ofType(Secret.class)));
    }

    @Override
    public void writeStatus(Cluster cluster, String address) {
        GatewayNginx.writeStatus(cluster.ofType(GatewayClass.class), cluster.ofType(Gateway.class), cluster.ofType(HTTPRoute.class),
                cluster.ofType(ReferenceGrant.class), cluster.namespaces(), cluster.services(), address);
    }
}

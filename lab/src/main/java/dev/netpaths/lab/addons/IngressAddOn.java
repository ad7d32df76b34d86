package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.netpaths.lab.addons.ClusterAddons.Addon;

/** The ingress controller {@code INGRESS} selects, with its IngressClass; nginx configured by {@link IngressNginx}. */
record IngressAddOn(IngressNginx.Controller controller) implements AddOn {
    @Override
    public Optional<Addon> pod() {
        return Optional.of(Addon.ingress(controller));
    }

    @Override
    public List<HasMetadata> objects(String dnsIp, List<HasMetadata> applied) {
        Addon addon = Addon.ingress(controller);
        // F5's chart defaults to Local; scripts/cluster/lib.sh installs it with Cluster, and so does the lab
        List<HasMetadata> objects = new ArrayList<>(ClusterAddons.install(addon, List.of(ClusterAddons.port("http", 80, "TCP")), null,
                addon == Addon.NGINX_INGRESS ? "Cluster" : null));
        objects.add(new IngressClassBuilder().withNewMetadata().withName(IngressNginx.INGRESS_CLASS)
                .withLabels(ClusterAddons.labels(addon)).endMetadata()
                .withNewSpec().withController(controller.controllerName()).endSpec().build());
        return objects;
    }

    @Override
    public StandIn standIn() {
        return StandIn.NGINX;
    }

    @Override
    public String render(Cluster cluster, NginxPaths paths) {
        return IngressNginx.render(controller, cluster.ofType(IngressClass.class), cluster.ofType(Ingress.class),
                cluster.services(), cluster.slices(), paths);
    }

    @Override
    public void writeStatus(Cluster cluster, String address) {
        IngressNginx.writeStatus(controller, cluster.ofType(IngressClass.class), cluster.ofType(Ingress.class), address);
    }
}

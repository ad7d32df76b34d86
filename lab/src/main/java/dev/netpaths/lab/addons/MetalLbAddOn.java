package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.netpaths.lab.addons.ClusterAddons.Addon;

/**
 * MetalLB in L2 mode, run by the lab without pods: its controller assigns addresses when Services are admitted, its
 * speaker election picks the node that answers ARP for each ({@link MetalLb}).
 */
final class MetalLbAddOn implements AddOn {
    @Override
    public Optional<Addon> pod() {
        return Optional.empty();
    }

    @Override
    public void admit(List<Service> services, List<GenericKubernetesResource> metallb) {
        MetalLb.assign(services, metallb);
    }

    @Override
    public List<Announcement> announcements(Cluster cluster) {
        List<Announcement> result = new ArrayList<>();
        for (Service s : cluster.services()) {
            if (!"LoadBalancer".equals(s.getSpec().getType()) || s.getStatus() == null || s.getStatus().getLoadBalancer() == null
                    || s.getStatus().getLoadBalancer().getIngress() == null || s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
                continue;
            }
            result.add(new Announcement(s.getStatus().getLoadBalancer().getIngress().get(0).getIp(),
                    MetalLb.announcingNode(s, cluster.slices(), cluster.nodes(), cluster.metallb())));
        }
        return result;
    }
}

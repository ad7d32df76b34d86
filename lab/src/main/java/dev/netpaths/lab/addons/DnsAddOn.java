package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Optional;

import dev.netpaths.lab.addons.ClusterAddons.Addon;

/** CoreDNS: Deployment {@code kube-system/coredns}, Service {@code kube-dns} on the DNS IP; dnsmasq with {@link ClusterDns}'s records. */
final class DnsAddOn implements AddOn {
    @Override
    public Optional<Addon> pod() {
        return Optional.of(Addon.DNS);
    }

    @Override
    public List<HasMetadata> objects(String dnsIp, List<HasMetadata> applied) {
        return ClusterAddons.install(Addon.DNS, List.of(ClusterAddons.port("dns", 53, "UDP"), ClusterAddons.port("dns-tcp", 53, "TCP")),
                dnsIp, null);
    }

    @Override
    public StandIn standIn() {
        return StandIn.DNSMASQ;
    }

    @Override
    public String render(Cluster cluster, NginxPaths paths) {
        return String.join("\n", ClusterDns.dnsmasqArgs(cluster.services(), cluster.slices(), cluster.pods(), cluster.clusterDomain()));
    }
}

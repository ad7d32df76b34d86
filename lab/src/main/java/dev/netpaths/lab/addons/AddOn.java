package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.List;
import java.util.Optional;

import dev.netpaths.lab.addons.ClusterAddons.Addon;
import dev.netpaths.lab.api.Manifests;

/**
 * One cluster add-on as the lab stands it in: the objects it installs, what it decides when Services are admitted,
 * the process that stands in for it in its pod and the configuration that process is given, the status it writes
 * back, and (MetalLB) which node announces which address. The runtime calls each hook for every add-on of
 * {@link ClusterAddons#of}; an add-on overrides the hooks it has. Pure: the runtime starts the processes, writes the
 * files and applies the announcements.
 */
public interface AddOn {
    /** The process that stands in for an add-on's pod, and how a new configuration reaches it in a running lab. */
    enum StandIn {
        /** dnsmasq ({@code pod.DnsmasqPod}): the records rewritten and SIGHUP, never a restart. */
        DNSMASQ,
        /** nginx: {@code nginx.conf} rewritten and SIGHUP (a graceful reload). */
        NGINX
    }

    /**
     * The cluster as an add-on reads it on every sync: the admitted objects (with the status the lab keeps), the
     * current pods and EndpointSlices, and the MetalLB resources of this cluster.
     */
    record Cluster(List<HasMetadata> objects, List<Namespace> namespaces, List<Node> nodes, List<Service> services,
                   List<EndpointSlice> slices, List<Pod> pods, List<GenericKubernetesResource> metallb,
                   String clusterDomain) {
        /** The objects of one typed kind. */
        public <T extends HasMetadata> List<T> ofType(Class<T> type) {
            return Manifests.ofType(objects, type);
        }

        /** The generic objects (no fabric8 model) of one kind and API group, e.g. Istio's. */
        public List<GenericKubernetesResource> generic(String kind, String group) {
            return ofType(GenericKubernetesResource.class).stream()
                    .filter(g -> kind.equals(g.getKind()) && g.getApiVersion() != null && g.getApiVersion().startsWith(group + "/"))
                    .toList();
        }
    }

    /** The pod it runs in (names and labels of the real add-on), or empty when the lab runs it without a pod (MetalLB). */
    Optional<Addon> pod();

    /** The objects the real add-on's installation creates (Deployment, Service, IngressClass), given the applied ones. */
    default List<HasMetadata> objects(String dnsIp, List<HasMetadata> applied) {
        return List.of();
    }

    /** Service admission: what it fills in on the admitted Services (MetalLB's addresses). */
    default void admit(List<Service> services, List<GenericKubernetesResource> metallb) {
    }

    /** The process in its pod; only for add-ons with a {@link #pod()}. */
    default StandIn standIn() {
        throw new UnsupportedOperationException(this + " runs no process");
    }

    /**
     * The configuration its process is given for the cluster as it is now: nginx.conf, or dnsmasq's record options
     * one per line. Only for add-ons with a {@link #pod()}.
     *
     * @param paths where nginx keeps its files and the ports it listens on (null for dnsmasq)
     */
    default String render(Cluster cluster, NginxPaths paths) {
        throw new UnsupportedOperationException(this + " has no configuration");
    }

    /** Writes the status the real controller reports on the objects it serves, once its Service has {@code address}. */
    default void writeStatus(Cluster cluster, String address) {
    }

    /** One address and the node that answers ARP for it, or null when no node may (no ready endpoint...). */
    record Announcement(String address, String node) {
    }

    /** L2 announcements, one per address it assigned. */
    default List<Announcement> announcements(Cluster cluster) {
        return List.of();
    }
}

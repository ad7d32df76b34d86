package dev.netpaths.lab;

import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What differs when the same manifests are applied to the lab's second cluster (as {@code make multicluster} does
 * to two kind clusters): the cluster name the services report, and a MetalLB pool disjoint from the first
 * cluster's on the shared node network.
 */
final class ClusterIdentity {
    static final String CLUSTER_NAME_VAR = "CLUSTER_NAME";

    private ClusterIdentity() {
    }

    /** For the second cluster: every CLUSTER_NAME (ConfigMap key or literal container env) becomes its name. */
    static void apply(List<HasMetadata> objects, ClusterPlan plan) {
        if (plan.index() == 0) {
            return;
        }
        for (HasMetadata o : objects) {
            if (o instanceof ConfigMap cm && cm.getData() != null && cm.getData().containsKey(CLUSTER_NAME_VAR)) {
                cm.getData().put(CLUSTER_NAME_VAR, plan.name());
            }
            var template = o instanceof Deployment d ? d.getSpec().getTemplate() : o instanceof DaemonSet ds ? ds.getSpec().getTemplate() : null;
            if (template != null) {
                Stream.concat(template.getSpec().getContainers().stream(),
                                template.getSpec().getInitContainers() == null ? Stream.empty() : template.getSpec().getInitContainers().stream())
                        .flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                        .filter(e -> CLUSTER_NAME_VAR.equals(e.getName()) && e.getValueFrom() == null)
                        .forEach(e -> e.setValue(plan.name()));
            }
        }
    }

    /**
     * The MetalLB objects this cluster uses: the manifests' IPAddressPools (shifted for the second cluster) and
     * L2Advertisements (as they are).
     */
    static List<GenericKubernetesResource> metallb(List<GenericKubernetesResource> generic, ClusterPlan plan) {
        return generic.stream().filter(g -> g.getApiVersion() != null && g.getApiVersion().startsWith("metallb.io/")
                && ("IPAddressPool".equals(g.getKind()) || "L2Advertisement".equals(g.getKind()))).map(g -> {
            if (plan.index() == 0 || !"IPAddressPool".equals(g.getKind())) {
                return g;
            }
            GenericKubernetesResource copy = Serialization.clone(g);
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) copy.getAdditionalProperties().get("spec");
            @SuppressWarnings("unchecked")
            List<String> addresses = (List<String>) spec.get("addresses");
            spec.put("addresses", addresses.stream().map(a -> AddressPlan.poolForCluster(a, plan.index())).toList());
            return copy;
        }).toList();
    }
}

package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod template of a workload (or a bare Pod).
 *
 * @param owner  the workload
 * @param path   where the template sits in the workload, e.g. {@code spec.template}
 * @param labels the template's labels
 * @param spec   the template's pod spec
 */
public record PodTemplate(Manifest owner, String path, Map<String, String> labels, JsonNode spec) {

    /** Every pod template in the manifests: Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob, Pod. */
    public static List<PodTemplate> all(List<Manifest> manifests) {
        List<PodTemplate> out = new ArrayList<>();
        for (Manifest m : manifests) {
            switch (m.group() + "/" + m.kind()) {
                case "apps/Deployment", "apps/DaemonSet", "apps/StatefulSet", "apps/ReplicaSet", "batch/Job" ->
                        out.add(of(m, "spec.template", m.spec().path("template")));
                case "batch/CronJob" -> out.add(of(m, "spec.jobTemplate.spec.template",
                        m.spec().path("jobTemplate").path("spec").path("template")));
                case "/Pod" -> out.add(of(m, "", m.body()));
                default -> { }
            }
        }
        return out;
    }

    private static PodTemplate of(Manifest owner, String path, JsonNode template) {
        return new PodTemplate(owner, path, stringMap(template.path("metadata").path("labels")), template.path("spec"));
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    public String namespace() {
        return owner.namespace();
    }

    /** The field path of something inside the pod spec, e.g. {@code spec.template.spec.containers[app]}. */
    public String field(String inSpec) {
        String spec = path.isEmpty() ? "spec" : path + ".spec";
        return inSpec.isEmpty() ? spec : spec + "." + inSpec;
    }

    /** Containers, init containers and ephemeral containers, each with its field path. */
    public List<ContainerRef> containers() {
        List<ContainerRef> out = new ArrayList<>();
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                out.add(new ContainerRef(list, c.path("name").asText(""), c, field(list + "[" + c.path("name").asText("?") + "]")));
            }
        }
        return out;
    }

    /** Containers that serve traffic: regular containers and native sidecars (initContainers with restartPolicy Always). */
    public List<ContainerRef> servingContainers() {
        return containers().stream()
                .filter(c -> c.list().equals("containers")
                        || (c.list().equals("initContainers") && "Always".equals(c.node().path("restartPolicy").asText())))
                .toList();
    }

    /** True when every selector label is on this template. */
    public boolean matches(Map<String, String> selector) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /**
     * One container of a pod template.
     *
     * @param list  containers, initContainers or ephemeralContainers
     * @param name  its name
     * @param node  its JSON
     * @param field its field path in the workload
     */
    public record ContainerRef(String list, String name, JsonNode node, String field) {
    }
}

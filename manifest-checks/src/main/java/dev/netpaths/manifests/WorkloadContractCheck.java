package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What docs/architecture.md asks of every netpaths pod template:
 * <ul>
 *   <li>labels app.kubernetes.io/name, app.kubernetes.io/part-of: netpaths and version on the template</li>
 *   <li>images netpaths/&lt;service&gt;:0.1.0 with imagePullPolicy IfNotPresent (base) or Never (kind/k3d: side-loaded)</li>
 *   <li>requests and limits for cpu and memory on every container</li>
 *   <li>the identity env on every serving container: POD_NAME, POD_NAMESPACE, NODE_NAME, POD_IP, HOST_IP from
 *       the Downward API fields below; SERVICE_NAME, SERVICE_VERSION, CLUSTER_NAME as literal values</li>
 *   <li>every container port named</li>
 *   <li>the main container {@code app}: startup, readiness and liveness probes on /q/health/started, /ready,
 *       /live at the named port http</li>
 * </ul>
 */
public final class WorkloadContractCheck implements Check {

    static final Map<String, String> DOWNWARD = Map.of("POD_NAME", "metadata.name", "POD_NAMESPACE", "metadata.namespace",
            "NODE_NAME", "spec.nodeName", "POD_IP", "status.podIP", "HOST_IP", "status.hostIP");
    static final List<String> LITERAL = List.of("SERVICE_NAME", "SERVICE_VERSION", "CLUSTER_NAME");
    static final Map<String, String> PROBES = Map.of("startupProbe", "/q/health/started",
            "readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live");

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (PodTemplate t : PodTemplate.all(manifests)) {
            Manifest m = t.owner();
            String labels = (t.path().isEmpty() ? "" : t.path() + ".") + "metadata.labels";
            for (String label : List.of("app.kubernetes.io/name", "version")) {
                if (!t.labels().containsKey(label)) {
                    findings.add(m.finding(labels, "label " + label + " missing"));
                }
            }
            if (!"netpaths".equals(t.labels().get("app.kubernetes.io/part-of"))) {
                findings.add(m.finding(labels, "label app.kubernetes.io/part-of must be netpaths"));
            }
            boolean hasApp = false;
            for (PodTemplate.ContainerRef c : t.containers()) {
                JsonNode node = c.node();
                String image = node.path("image").asText("");
                if (!image.matches("netpaths/[a-z0-9-]+:0\\.1\\.0")) {
                    findings.add(m.finding(c.field() + ".image", "'" + image + "' is not netpaths/<service>:0.1.0"));
                }
                if (!Set.of("IfNotPresent", "Never").contains(node.path("imagePullPolicy").asText(""))) {
                    findings.add(m.finding(c.field() + ".imagePullPolicy",
                            "must be IfNotPresent or Never (images are side-loaded, never pulled)"));
                }
                for (String kind : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        if (node.path("resources").path(kind).path(resource).asText("").isEmpty()) {
                            findings.add(m.finding(c.field() + ".resources." + kind + "." + resource, "must be set"));
                        }
                    }
                }
                for (JsonNode port : node.path("ports")) {
                    if (port.path("name").asText("").isEmpty()) {
                        findings.add(m.finding(c.field() + ".ports", "port " + port.path("containerPort").asInt() + " has no name"));
                    }
                }
                if (t.servingContainers().contains(c)) {
                    identityEnv(m, c, findings);
                }
                if (c.list().equals("containers") && c.name().equals("app")) {
                    hasApp = true;
                    probes(m, c, findings);
                }
            }
            if (!hasApp) {
                findings.add(m.finding(t.field("containers"), "no container named app (the main container's name in netpaths)"));
            }
        }
        return findings;
    }

    private static void identityEnv(Manifest m, PodTemplate.ContainerRef c, List<String> findings) {
        for (Map.Entry<String, String> e : DOWNWARD.entrySet()) {
            JsonNode env = env(c.node(), e.getKey());
            String fieldPath = env.path("valueFrom").path("fieldRef").path("fieldPath").asText("");
            if (!fieldPath.equals(e.getValue())) {
                findings.add(m.finding(c.field() + ".env[" + e.getKey() + "]", "must come from the Downward API fieldRef "
                        + e.getValue() + (env.isMissingNode() ? " (missing)" : " (is " + (fieldPath.isEmpty() ? "not a fieldRef" : fieldPath) + ")")));
            }
        }
        for (String name : LITERAL) {
            if (env(c.node(), name).path("value").asText("").isEmpty()) {
                findings.add(m.finding(c.field() + ".env[" + name + "]", "must be set to a literal value"));
            }
        }
    }

    private static void probes(Manifest m, PodTemplate.ContainerRef c, List<String> findings) {
        for (Map.Entry<String, String> e : PROBES.entrySet()) {
            JsonNode get = c.node().path(e.getKey()).path("httpGet");
            String field = c.field() + "." + e.getKey();
            if (get.isMissingNode()) {
                findings.add(m.finding(field, "missing (SmallRye Health " + e.getValue() + ")"));
                continue;
            }
            if (!get.path("path").asText().equals(e.getValue())) {
                findings.add(m.finding(field + ".httpGet.path", "must be " + e.getValue() + ", is " + get.path("path").asText()));
            }
            if (!get.path("port").asText().equals("http")) {
                findings.add(m.finding(field + ".httpGet.port", "must be the named port http, is " + get.path("port").asText()));
            }
        }
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}

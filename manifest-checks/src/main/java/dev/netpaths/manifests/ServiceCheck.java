package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every Service selects pods and reaches them: its selector matches at least one pod template in its
 * namespace, and each port's targetPort (a name, a number, or by default the port) is a declared container
 * port with the same protocol in every pod template it selects. ExternalName Services must name a host.
 */
public final class ServiceCheck implements Check {

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        List<PodTemplate> templates = PodTemplate.all(manifests);
        for (Manifest svc : manifests) {
            if (!svc.is("", "Service")) {
                continue;
            }
            String type = svc.spec().path("type").asText("ClusterIP");
            if (type.equals("ExternalName")) {
                if (svc.spec().path("externalName").asText("").isEmpty()) {
                    findings.add(svc.finding("spec.externalName", "an ExternalName Service needs a host name"));
                }
                continue;
            }
            Map<String, String> selector = PodTemplate.stringMap(svc.spec().path("selector"));
            if (selector.isEmpty()) {
                findings.add(svc.finding("spec.selector", "no selector: the Service would have no endpoints"));
                continue;
            }
            List<PodTemplate> selected = templates.stream()
                    .filter(t -> t.namespace().equals(svc.namespace()) && t.matches(selector))
                    .toList();
            if (selected.isEmpty()) {
                String candidates = templates.stream()
                        .filter(t -> t.namespace().equals(svc.namespace()))
                        .map(t -> t.owner().kind() + " " + t.owner().name() + " " + t.labels())
                        .collect(Collectors.joining("; "));
                findings.add(svc.finding("spec.selector", "selector " + selector + " matches no pod template in namespace "
                        + svc.namespace() + (candidates.isEmpty() ? " (there are none)" : " (templates there: " + candidates + ")")));
                continue;
            }
            int i = 0;
            for (JsonNode port : svc.spec().path("ports")) {
                checkPort(svc, port, "spec.ports[" + i++ + "]", selected, findings);
            }
        }
        return findings;
    }

    private static void checkPort(Manifest svc, JsonNode port, String field, List<PodTemplate> selected, List<String> findings) {
        String protocol = port.path("protocol").asText("TCP");
        JsonNode target = port.has("targetPort") ? port.get("targetPort") : port.path("port");
        String label = field + " (" + port.path("name").asText("unnamed") + ") targetPort";
        for (PodTemplate t : selected) {
            boolean found = false;
            List<String> declared = new ArrayList<>();
            for (PodTemplate.ContainerRef c : t.servingContainers()) {
                for (JsonNode cp : c.node().path("ports")) {
                    String cpProtocol = cp.path("protocol").asText("TCP");
                    declared.add(cp.path("name").asText("-") + " " + cp.path("containerPort").asInt() + "/" + cpProtocol);
                    boolean sameTarget = target.isTextual() && !target.asText().matches("\\d+")
                            ? target.asText().equals(cp.path("name").asText())
                            : target.asInt() == cp.path("containerPort").asInt();
                    found |= sameTarget && cpProtocol.equals(protocol);
                }
            }
            if (!found) {
                findings.add(svc.finding(label, "'" + target.asText() + "' (" + protocol + ") is not a container port of "
                        + t.owner().kind() + " " + t.owner().namespace() + "/" + t.owner().name()
                        + " (its ports: " + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")"));
            }
        }
    }
}

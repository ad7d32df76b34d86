package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every Ingress, HTTPRoute and VirtualService backend names an existing Service and one of its ports
 * (by name, or by number; a VirtualService destination without a port needs a single-port Service).
 * Routes also attach to something that exists: an HTTPRoute's parentRefs name a Gateway whose class
 * exists, a VirtualService's gateways name an Istio Gateway.
 */
public final class RouteBackendCheck implements Check {

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        Map<String, Manifest> services = index(manifests, "", "Service");
        for (Backend b : Routes.backends(manifests)) {
            Manifest svc = services.get(b.target());
            if (svc == null) {
                findings.add(b.route().finding(b.field(), "Service " + b.target() + " does not exist"));
                continue;
            }
            JsonNode ports = svc.spec().path("ports");
            boolean found = false;
            List<String> offered = new ArrayList<>();
            for (JsonNode p : ports) {
                offered.add(p.path("name").asText("-") + " " + p.path("port").asInt() + "/" + p.path("protocol").asText("TCP"));
                found |= b.portName() != null ? b.portName().equals(p.path("name").asText())
                        : b.port() == p.path("port").asInt() && p.path("protocol").asText("TCP").equals("TCP");
            }
            if (b.portName() == null && b.port() == 0) {
                found = ports.size() == 1;
            }
            if (!found) {
                String wanted = b.portName() != null ? "port '" + b.portName() + "'" : b.port() == 0 ? "no port" : "port " + b.port();
                findings.add(b.route().finding(b.field(), wanted + " is not a TCP port of " + svc.describe()
                        + " (its ports: " + String.join(", ", offered) + ")"));
            }
        }
        attachments(manifests, findings);
        return findings;
    }

    private static void attachments(List<Manifest> manifests, List<String> findings) {
        Map<String, Manifest> gateways = index(manifests, "gateway.networking.k8s.io", "Gateway");
        Map<String, Manifest> classes = index(manifests, "gateway.networking.k8s.io", "GatewayClass");
        Map<String, Manifest> istioGateways = index(manifests, "networking.istio.io", "Gateway");
        for (Manifest m : manifests) {
            if (m.is("gateway.networking.k8s.io", "HTTPRoute")) {
                int i = 0;
                for (JsonNode parent : m.spec().path("parentRefs")) {
                    String key = parent.path("namespace").asText(m.namespace()) + "/" + parent.path("name").asText();
                    Manifest gateway = gateways.get(key);
                    String field = "spec.parentRefs[" + i++ + "]";
                    if (gateway == null) {
                        findings.add(m.finding(field, "Gateway " + key + " does not exist"));
                    } else if (parent.has("sectionName") && !hasListener(gateway, parent.get("sectionName").asText())) {
                        findings.add(m.finding(field + ".sectionName", "Gateway " + key + " has no listener '"
                                + parent.get("sectionName").asText() + "'"));
                    }
                }
            } else if (m.is("gateway.networking.k8s.io", "Gateway")) {
                String className = m.spec().path("gatewayClassName").asText();
                if (!classes.containsKey("/" + className)) {
                    findings.add(m.finding("spec.gatewayClassName", "GatewayClass " + className + " does not exist"));
                }
            } else if (m.is("networking.istio.io", "VirtualService")) {
                int i = 0;
                for (JsonNode gateway : m.spec().path("gateways")) {
                    String name = gateway.asText();
                    String key = name.contains("/") ? name : m.namespace() + "/" + name;
                    if (!name.equals("mesh") && !istioGateways.containsKey(key)) {
                        findings.add(m.finding("spec.gateways[" + i + "]", "Istio Gateway " + key + " does not exist"));
                    }
                    i++;
                }
            }
        }
    }

    private static boolean hasListener(Manifest gateway, String name) {
        for (JsonNode listener : gateway.spec().path("listeners")) {
            if (listener.path("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Manifest> index(List<Manifest> manifests, String group, String kind) {
        Map<String, Manifest> map = new HashMap<>();
        for (Manifest m : manifests) {
            if (m.is(group, kind)) {
                map.put(m.namespace() + "/" + m.name(), m);
            }
        }
        return map;
    }
}

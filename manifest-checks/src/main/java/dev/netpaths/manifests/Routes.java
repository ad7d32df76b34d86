package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reads the backends out of Ingress, Gateway API HTTPRoute and Istio VirtualService objects. */
public final class Routes {

    private Routes() {
    }

    public static List<Backend> backends(List<Manifest> manifests) {
        List<Backend> out = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.is("networking.k8s.io", "Ingress")) {
                ingress(m, out);
            } else if (m.is("gateway.networking.k8s.io", "HTTPRoute")) {
                httpRoute(m, out);
            } else if (m.is("networking.istio.io", "VirtualService")) {
                virtualService(m, out);
            }
        }
        return out;
    }

    private static void ingress(Manifest m, List<Backend> out) {
        if (m.spec().has("defaultBackend")) {
            ingressBackend(m, m.spec().get("defaultBackend"), "spec.defaultBackend", out);
        }
        int r = 0;
        for (JsonNode rule : m.spec().path("rules")) {
            int p = 0;
            for (JsonNode path : rule.path("http").path("paths")) {
                ingressBackend(m, path.path("backend"), "spec.rules[" + r + "].http.paths[" + p++ + "].backend", out);
            }
            r++;
        }
    }

    private static void ingressBackend(Manifest m, JsonNode backend, String field, List<Backend> out) {
        JsonNode service = backend.path("service");
        if (service.isMissingNode()) {
            return; // a resource backend, not a Service
        }
        JsonNode port = service.path("port");
        out.add(new Backend(m, field + ".service", m.namespace(), service.path("name").asText(""),
                port.has("name") ? port.get("name").asText() : null, port.path("number").asInt(0), -1));
    }

    private static void httpRoute(Manifest m, List<Backend> out) {
        int r = 0;
        for (JsonNode rule : m.spec().path("rules")) {
            int b = 0;
            for (JsonNode ref : rule.path("backendRefs")) {
                String field = "spec.rules[" + r + "].backendRefs[" + b++ + "]";
                String group = ref.path("group").asText("");
                String kind = ref.path("kind").asText("Service");
                if (!group.isEmpty() || !kind.equals("Service")) {
                    continue;
                }
                out.add(new Backend(m, field, ref.path("namespace").asText(m.namespace()), ref.path("name").asText(""),
                        null, ref.path("port").asInt(0), ref.path("weight").asInt(1)));
            }
            r++;
        }
    }

    private static void virtualService(Manifest m, List<Backend> out) {
        int h = 0;
        for (JsonNode http : m.spec().path("http")) {
            int d = 0;
            for (JsonNode route : http.path("route")) {
                String field = "spec.http[" + h + "].route[" + d++ + "].destination";
                JsonNode destination = route.path("destination");
                String host = destination.path("host").asText("");
                String[] parts = host.split("\\.");
                String name = parts[0];
                String namespace = parts.length >= 2 ? parts[1] : m.namespace();
                boolean clusterService = parts.length == 1 || parts.length == 2
                        || host.endsWith(".svc.cluster.local") || host.endsWith(".svc");
                if (!clusterService) {
                    namespace = "(outside the cluster: " + host + ")";
                }
                out.add(new Backend(m, field, namespace, name, null, destination.path("port").path("number").asInt(0),
                        route.has("weight") ? route.get("weight").asInt() : (http.path("route").size() == 1 ? 100 : 0)));
            }
            h++;
        }
    }
}

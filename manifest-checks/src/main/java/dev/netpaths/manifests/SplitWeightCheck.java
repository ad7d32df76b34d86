package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weighted split is the one docs/architecture.md documents: the route for {@code /split} sends
 * 80 to echo and 20 to echo-v2, in every HTTPRoute and VirtualService that has one, and each API that
 * can split (Gateway API, Istio) has that route.
 */
public final class SplitWeightCheck implements Check {

    public static final String PATH = "/split";
    public static final Map<String, Integer> EXPECTED = orderedOf("netpaths/echo", 80, "netpaths/echo-v2", 20);

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.is("gateway.networking.k8s.io", "HTTPRoute")) {
                checkRules(m, "spec.rules", m.spec().path("rules"), "backendRefs", findings);
            } else if (m.is("networking.istio.io", "VirtualService")) {
                checkRules(m, "spec.http", m.spec().path("http"), "route", findings);
            }
        }
        return findings;
    }

    private void checkRules(Manifest m, String field, JsonNode rules, String backendsField, List<String> findings) {
        boolean found = false;
        int r = 0;
        for (JsonNode rule : rules) {
            if (matchesSplit(rule)) {
                found = true;
                Map<String, Integer> weights = new LinkedHashMap<>();
                for (JsonNode backend : rule.path(backendsField)) {
                    JsonNode dest = backend.has("destination") ? backend.get("destination") : backend;
                    String name = backend.has("destination") ? shortHost(dest.path("host").asText(), m)
                            : dest.path("namespace").asText(m.namespace()) + "/" + dest.path("name").asText();
                    weights.put(name, backend.path("weight").asInt(backend.has("destination") ? 0 : 1));
                }
                if (!weights.equals(EXPECTED)) {
                    findings.add(m.finding(field + "[" + r + "]", "the " + PATH + " split is " + weights
                            + " but docs/architecture.md says " + EXPECTED));
                }
            }
            r++;
        }
        if (!found) {
            findings.add(m.finding(field, "no rule for " + PATH + " (docs/architecture.md: echo 80 / echo-v2 20)"));
        }
    }

    private static boolean matchesSplit(JsonNode rule) {
        for (JsonNode match : rule.path("matches")) {
            JsonNode path = match.path("path");
            if (path.path("type").asText("PathPrefix").equals("PathPrefix") && path.path("value").asText().equals(PATH)) {
                return true;
            }
        }
        for (JsonNode match : rule.path("match")) {
            JsonNode uri = match.path("uri");
            if (uri.path("exact").asText().equals(PATH) || uri.path("prefix").asText().equals(PATH + "/")
                    || uri.path("prefix").asText().equals(PATH)) {
                return true;
            }
        }
        return false;
    }

    private static String shortHost(String host, Manifest m) {
        String[] parts = host.split("\\.");
        return (parts.length >= 2 ? parts[1] : m.namespace()) + "/" + parts[0];
    }

    private static Map<String, Integer> orderedOf(String k1, int v1, String k2, int v2) {
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return java.util.Collections.unmodifiableMap(map);
    }
}

package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Service each entry-route row names ({@link EntryRoute#service()}: what a path fails fast on when it has no
 * endpoint) is the one gateway-config's routes send the row's request to, for every API that expresses the row: the
 * HTTPRoute (most specific match: longest path prefix, then most headers), Istio's VirtualService (first match in
 * order) and the Ingress (longest prefix). The manifests own the routes; this test keeps the table's copy honest.
 */
class EntryRouteServiceTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path CONFIG = Path.of("..", "gateway-config");

    @Test
    void everyRowsServiceIsWhereEachApisRouteSendsItsRequest() throws Exception {
        JsonNode httpRoute = YAML.readTree(CONFIG.resolve("gateway-api/httproute-echo.yaml").toFile());
        JsonNode virtualService = YAML.readTree(CONFIG.resolve("istio/virtualservice-echo.yaml").toFile());
        JsonNode ingress = YAML.readTree(CONFIG.resolve("ingress/ingress-echo.yaml").toFile());
        int checked = 0;
        for (EntryRoute row : EntryRoute.TABLE) {
            if (row.service() == null) {
                continue;
            }
            for (EntryApi api : row.apis()) {
                TreeSet<String> backends = switch (api) {
                    case GATEWAY -> gateway(httpRoute, row);
                    case ISTIO -> istio(virtualService, row);
                    case INGRESS -> ingress(ingress, row);
                };
                assertEquals(new TreeSet<>(List.of(row.service())), backends,
                        api + " " + row.behaviour() + " (" + row.path() + " " + row.headers() + ")");
                checked++;
            }
        }
        assertTrue(checked >= 10, "rows checked: " + checked);
    }

    /** The check can fail: a row whose Service is not where the route goes. */
    @Test
    void aRowNamingAnotherServiceIsCaught() throws Exception {
        JsonNode httpRoute = YAML.readTree(CONFIG.resolve("gateway-api/httproute-echo.yaml").toFile());
        EntryRoute v1 = EntryRoute.TABLE.get(0);
        assertEquals("netpaths/echo", v1.service());
        assertFalse(gateway(httpRoute, v1.via("netpaths/echo-v2")).contains("netpaths/echo-v2"));
    }

    static TreeSet<String> gateway(JsonNode route, EntryRoute row) {
        String namespace = route.at("/metadata/namespace").asText();
        JsonNode best = null;
        int bestPath = -1;
        int bestHeaders = -1;
        for (JsonNode rule : route.at("/spec/rules")) {
            for (JsonNode match : rule.path("matches")) {
                String prefix = match.at("/path/value").isMissingNode() ? "/" : match.at("/path/value").asText();
                boolean path = prefix.equals("/") || row.path().equals(prefix) || row.path().startsWith(prefix + "/");
                boolean headers = true;
                for (JsonNode h : match.path("headers")) {
                    headers &= h.path("value").asText().equals(row.headers().get(h.path("name").asText()));
                }
                int headerCount = match.path("headers").size();
                if (path && headers && (prefix.length() > bestPath
                        || prefix.length() == bestPath && headerCount > bestHeaders)) {
                    best = rule;
                    bestPath = prefix.length();
                    bestHeaders = headerCount;
                }
            }
        }
        TreeSet<String> backends = new TreeSet<>();
        if (best != null) {
            for (JsonNode ref : best.path("backendRefs")) {
                backends.add(ref.path("namespace").asText(namespace) + "/" + ref.path("name").asText());
            }
        }
        return backends;
    }

    static TreeSet<String> istio(JsonNode vs, EntryRoute row) {
        for (JsonNode http : vs.at("/spec/http")) {
            for (JsonNode match : http.path("match")) {
                JsonNode uri = match.path("uri");
                boolean path = uri.isMissingNode() || uri.has("exact") && row.path().equals(uri.path("exact").asText())
                        || uri.has("prefix") && row.path().startsWith(uri.path("prefix").asText());
                boolean headers = true;
                for (Map.Entry<String, JsonNode> h : iterable(match.path("headers"))) {
                    headers &= h.getValue().path("exact").asText().equals(row.headers().get(h.getKey()));
                }
                if (path && headers) {
                    TreeSet<String> backends = new TreeSet<>();
                    for (JsonNode route : http.path("route")) {
                        String[] host = route.at("/destination/host").asText().split("\\.");
                        backends.add(host[1] + "/" + host[0]);
                    }
                    return backends;
                }
            }
        }
        return new TreeSet<>();
    }

    static TreeSet<String> ingress(JsonNode ingress, EntryRoute row) {
        String namespace = ingress.at("/metadata/namespace").asText();
        String best = null;
        int bestLength = -1;
        for (JsonNode rule : ingress.at("/spec/rules")) {
            for (JsonNode p : rule.at("/http/paths")) {
                String prefix = p.path("path").asText();
                if ((row.path().equals(prefix) || row.path().startsWith(prefix + "/")) && prefix.length() > bestLength) {
                    best = namespace + "/" + p.at("/backend/service/name").asText();
                    bestLength = prefix.length();
                }
            }
        }
        return best == null ? new TreeSet<>() : new TreeSet<>(List.of(best));
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        node.fields().forEachRemaining(fields::add);
        return fields;
    }
}

package dev.netpaths.sidecar;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.testsupport.MarkdownTable;
import dev.netpaths.testsupport.ResourcePaths;
import dev.netpaths.wire.Roundtrip.ContainerView;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's role table names each role's endpoints: the app's are RoundtripResource's, the sidecar's are the
 * paths a real LoopbackSidecar answers (and a path it does not serve is a 404 there, so the check can fail). The
 * defaults "What the manifest must set" states are the code's (what the Deployment sets is manifest-checks'
 * ReadmeTablesTest's).
 */
class ReadmeEndpointsTest {

    private static List<String> endpoints(String role) throws Exception {
        for (List<String> row : MarkdownTable.headed(Files.readString(Path.of("README.md")), "Role", "Listens on", "Endpoint")) {
            if (row.get(0).startsWith("`" + role + "`")) {
                return MarkdownTable.code(row.get(2));
            }
        }
        throw new AssertionError("README.md's role table has no row " + role);
    }

    /** "`NAME` (default `value`)" and "`NAME=value` (the default)": each default the table states is the code's. */
    @Test
    void theDefaultsTheManifestTableStatesAreTheCodes() throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        Map<String, String> code = Map.of(
                "NETPATHS_SIDECAR_URL", properties.getProperty("netpaths.sidecar.url"),
                LoopbackSidecar.LISTEN_ENV, LoopbackSidecar.DEFAULT_LISTEN);
        Map<String, String> stated = new TreeMap<>();
        Pattern given = Pattern.compile("`([A-Z_]+)` \\(default `([^`]+)`\\)");
        Pattern same = Pattern.compile("`([A-Z_]+)=([^`]+)` \\(the default\\)");
        for (List<String> row : MarkdownTable.after(Files.readString(Path.of("README.md")), "## What the manifest must set")) {
            for (Pattern p : List.of(given, same)) {
                Matcher m = p.matcher(row.get(1));
                while (m.find()) {
                    stated.put(m.group(1), m.group(2));
                }
            }
        }
        assertEquals(new TreeMap<>(code), stated, "the defaults README.md states against application.properties and LoopbackSidecar");
    }

    @Test
    void theAppRowNamesTheResourcesEndpoints() throws Exception {
        Set<String> named = new TreeSet<>(endpoints("app"));
        named.removeIf(e -> e.startsWith("/q/"));
        assertEquals(ResourcePaths.of(RoundtripResource.class), named);
    }

    @Test
    void theSidecarRowNamesWhatTheSidecarAnswers() throws Exception {
        List<String> named = endpoints("sidecar");
        LoopbackSidecar sidecar = LoopbackSidecar.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new ContainerView("demo-pod", "10.244.1.7", "demo-host", 42));
        try {
            for (String endpoint : named) {
                String path = endpoint.substring(endpoint.indexOf('/'));
                given().baseUri("http://127.0.0.1").port(sidecar.port()).when().get(path).then().statusCode(not(404));
            }
            given().baseUri("http://127.0.0.1").port(sidecar.port()).when().get("/roundtrip").then().statusCode(404);
        } finally {
            sidecar.kill();
        }
    }
}

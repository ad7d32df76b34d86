package dev.netpaths.sidecar;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.testsupport.MarkdownTable;
import dev.netpaths.testsupport.ResourcePaths;
import dev.netpaths.wire.Roundtrip.ContainerView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * README.md's role table names each role's endpoints: the app's are RoundtripResource's, the sidecar's are the
 * paths a real LoopbackSidecar answers (and a path it does not serve is a 404 there, so the check can fail).
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

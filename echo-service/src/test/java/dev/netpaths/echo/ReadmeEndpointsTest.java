package dev.netpaths.echo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.testsupport.MarkdownTable;
import dev.netpaths.testsupport.ResourcePaths;
import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.Identity;
import dev.netpaths.wire.UdpReply;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's endpoint table against its owners: the HTTP paths are the ones EchoResource declares, all of them and
 * only those; the echo's request fields are wire's EchoReply.Request's; the UDP row is application.properties' port and wire's {@code UdpReply}; each {@code /q/} row is
 * answered by Quarkus (health JSON, Prometheus text) on this application, not by the echo's catch-all.
 */
@QuarkusTest
class ReadmeEndpointsTest {

    /** The catch-all template: it serves {@code /echo}, {@code /} and every path the README's first row means. */
    private static final String CATCH_ALL = "/{path: .*}";

    static List<List<String>> rows() throws Exception {
        return MarkdownTable.headed(Files.readString(Path.of("README.md")), "Endpoint", "Answer");
    }

    @Test
    void theEndpointTableIsTheResourcesPaths() throws Exception {
        Set<String> declared = ResourcePaths.pathsOf(ResourcePaths.of(EchoResource.class));
        assertTrue(declared.contains(CATCH_ALL), "echo answers every path: " + declared);
        Set<String> named = new TreeSet<>();
        List<List<String>> rows = rows();
        for (List<String> row : rows) {
            MarkdownTable.code(row.get(0)).stream().filter(p -> p.startsWith("/") && !p.startsWith("/q/")).forEach(named::add);
        }
        // the first row is the catch-all's: the paths it names are served by it, not declared one by one
        assertTrue(rows.get(0).get(0).contains("every path not below"), "the first row says the catch-all: " + rows.get(0));
        Set<String> catchAllRow = new TreeSet<>(MarkdownTable.code(rows.get(0).get(0)));
        Set<String> undeclared = new TreeSet<>(named);
        undeclared.removeAll(declared);
        assertEquals(catchAllRow, undeclared, "README paths that no resource method declares, other than the catch-all row's");
        Set<String> unnamed = new TreeSet<>(declared);
        unnamed.removeAll(named);
        assertEquals(Set.of(CATCH_ALL), unnamed, "resource paths README.md's table does not name");
    }

    /** "identity + `request` (method, path, ...)": the fields of wire's EchoReply.Request, in its order. */
    @Test
    void theEchoRowNamesTheRequestFieldsOfWiresEchoReply() throws Exception {
        String answer = rows().get(0).get(1);
        Matcher listed = Pattern.compile("identity \\+ `request` \\(([^)]*)\\)").matcher(answer);
        assertTrue(listed.find(), "the first row lists the request's fields: " + answer);
        List<String> components = Arrays.stream(EchoReply.Request.class.getRecordComponents()).map(RecordComponent::getName).toList();
        assertEquals(components, List.of(listed.group(1).split(",\\s*")), "the request fields (wire's EchoReply.Request)");
    }

    @Test
    void theUdpRowIsTheConfiguredPortAndWiresUdpReply() throws Exception {
        List<String> row = rows().stream().filter(r -> r.get(0).startsWith("UDP")).findFirst()
                .orElseThrow(() -> new AssertionError("README.md's endpoint table has no UDP row"));
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        assertEquals(List.of(properties.getProperty("netpaths.echo.udp-port")), MarkdownTable.code(row.get(0)),
                "the UDP port: netpaths.echo.udp-port in application.properties");
        // "identity + `protocol: "udp"`, `clientIp`, ...": the fields UdpReply adds to Identity's, in its order
        List<String> fields = new ArrayList<>();
        for (String span : MarkdownTable.code(row.get(1))) {
            fields.add(span.replaceAll(":.*", ""));
        }
        assertTrue(row.get(1).contains("identity + "), "the row says the identity comes first: " + row);
        Set<String> identity = new TreeSet<>(Arrays.stream(Identity.class.getRecordComponents()).map(RecordComponent::getName).toList());
        List<String> added = Arrays.stream(UdpReply.class.getRecordComponents()).map(RecordComponent::getName)
                .filter(n -> !identity.contains(n)).toList();
        assertEquals(added, fields, "the UDP reply's fields beyond the identity (wire's UdpReply)");
        assertTrue(MarkdownTable.code(row.get(1)).contains("protocol: \"udp\""), "protocol is the constant udp: " + row);
        Matcher bytes = Pattern.compile("first (\\d+) bytes").matcher(row.get(1));
        assertTrue(bytes.find(), "the row says how much is echoed: " + row);
        assertEquals(UdpEchoServer.MAX_ECHOED_BYTES, Integer.parseInt(bytes.group(1)), "received is capped at UdpEchoServer.MAX_ECHOED_BYTES");
    }

    /** Each /q/ path the table names answers as Quarkus does, over a real socket: the echo's catch-all would answer 200 too. */
    @Test
    void theQRowsAreAnsweredByQuarkusHealthAndMetrics() throws Exception {
        List<String> named = new ArrayList<>();
        for (List<String> row : rows()) {
            MarkdownTable.code(row.get(0)).stream().filter(p -> p.startsWith("/q/")).forEach(named::add);
        }
        assertTrue(named.contains("/q/metrics") && named.stream().anyMatch(p -> p.startsWith("/q/health")), named.toString());
        for (String path : named) {
            Response r = given().when().get(path);
            assertEquals(200, r.statusCode(), path);
            String body = r.asString();
            if (path.startsWith("/q/health")) {
                assertTrue(r.contentType().startsWith("application/json") && body.contains("\"status\"") && body.contains("\"checks\""),
                        path + " is not SmallRye Health's answer: " + body);
            } else {
                assertTrue(body.contains("# TYPE "), path + " is not Prometheus text: " + body.substring(0, Math.min(200, body.length())));
            }
        }
    }
}

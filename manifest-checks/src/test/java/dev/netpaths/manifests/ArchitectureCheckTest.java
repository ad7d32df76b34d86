package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertFinding;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;
import static dev.netpaths.manifests.Fixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md's tables against the rendered kind overlay and gateway-config/: what happens when an object is
 * changed, and when a row of the document is.
 */
class ArchitectureCheckTest {

    private static final String DOC = RepoFiles.read(ArchitectureCheck.DOC);
    private final Check cluster = Fixtures.architectureCluster(DOC);
    private final Check entryPoints = Fixtures.architectureRoutes(DOC);

    /** docs/architecture.md with one exact piece of text replaced; fails when the text is not there (the test went stale). */
    private static String docWith(String from, String to) {
        assertTrue(DOC.contains(from), "docs/architecture.md no longer has: " + from);
        return DOC.replace(from, to);
    }

    /** docs/architecture.md with the lines matching {@code regex} (a whole line) replaced; fails when none matches. */
    private static String docWithLine(String regex, String replacement) {
        return replaced("(?m)^" + regex + "$", replacement);
    }

    /** docs/architecture.md without the lines matching {@code regex} (a whole line); fails when none matches. */
    private static String docWithoutLine(String regex) {
        return replaced("(?m)^" + regex + "\\n", "");
    }

    private static String replaced(String regex, String replacement) {
        String doc = DOC.replaceAll(regex, replacement);
        assertTrue(!doc.equals(DOC), "docs/architecture.md has nothing matching " + regex);
        return doc;
    }

    /** The cluster check's findings on the kind overlay, held to {@code doc} (docs/architecture.md changed). */
    private static List<String> clusterFindings(String doc) {
        return Fixtures.architectureCluster(doc).check(Fixtures.overlay("kind"));
    }

    @Test
    void aWorkloadRowWithOtherReplicasFails() {
        assertOnlyFinding(clusterFindings(docWith("| netpaths | Deployment `echo-v2` | v2 | 1, spread", "| netpaths | Deployment `echo-v2` | v2 | 2, spread")),
                "Deployment netpaths/echo-v2: spec.replicas, topologySpreadConstraints: is '1, spread over nodes', "
                + "docs/architecture.md says '2, spread over nodes'");
    }

    @Test
    void aServiceRowWithAnotherNodePortFails() {
        assertOnlyFinding(clusterFindings(docWith("`udp` 5005/UDP node port 30081", "`udp` 5005/UDP node port 30082")),
                "Service netpaths/echo-nodeport: spec.ports: is '`http` 8080/TCP node port 30080, `udp` 5005/UDP node port 30081', "
                + "docs/architecture.md says '`http` 8080/TCP node port 30080, `udp` 5005/UDP node port 30082'");
    }

    @Test
    void aRowNamingAnObjectThatIsNotRenderedFailsAndTheRenderedObjectIsReportedUnlisted() {
        List<String> findings = clusterFindings(docWith("| netpaths | `echo-sticky` |", "| netpaths | `echo-stiky` |"));
        assertFinding(findings, "docs/architecture.md: Service netpaths/echo-stiky is missing from the rendered manifests");
        assertFinding(findings, "Service netpaths/echo-sticky: not in docs/architecture.md's tables");
    }

    @Test
    void aRenderedPolicyWithoutARowFails() {
        assertOnlyFinding(clusterFindings(docWithoutLine("\\| netpaths \\| `caller-egress` .*")),
                "NetworkPolicy netpaths/caller-egress: not in docs/architecture.md's tables");
    }

    @Test
    void anUnreadableRowIsAFindingWithTheRow() {
        List<String> findings = clusterFindings(docWith("| netpaths | DaemonSet `caller` |", "| netpaths | the caller DaemonSet |"));
        assertFinding(findings, "docs/architecture.md: Workload row 'netpaths | the caller DaemonSet | v1 | one per node, control plane included | a source on every node': cannot read 'the caller DaemonSet' (expected Kind `name`)");
        assertFinding(findings, "DaemonSet netpaths/caller: not in docs/architecture.md's tables");
    }

    @Test
    void aPolicyRowThatSaysAllowsNothingForAPolicyWithRulesFails() {
        assertOnlyFinding(clusterFindings(docWithLine("(\\| netpaths-other \\| `echo` \\| `echo-service` \\| Ingress \\|).*", "$1 nothing |")),
                "NetworkPolicy netpaths-other/echo: spec.ingress: has rules, docs/architecture.md says it allows nothing");
    }

    // ---- the Ports table

    @Test
    void aPortsRowWithAnotherPortFailsNamingTheRowAndEveryWorkloadOfTheImage() {
        assertOnlyFinding(clusterFindings(docWith("| echo-service | 8080/TCP | `http` |", "| echo-service | 8081/TCP | `http` |")),
                "docs/architecture.md: Ports row 'echo-service | 8081/TCP | `http` | HTTP API, health, metrics': container app: port `http` is "
                + "8080/TCP in Deployment netpaths-other/echo, Deployment netpaths-other/echo-restricted, Deployment netpaths/echo, "
                + "Deployment netpaths/echo-v2");
    }

    @Test
    void aPortOfOneWorkloadThatDiffersFailsNamingThatWorkload() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo-v2",
                d -> at(d, "/spec/template/spec/containers/0/ports/1").put("containerPort", 5006));
        assertOnlyFinding(cluster.check(manifests), "docs/architecture.md: Ports row 'echo-service | 5005/UDP | `udp` | UDP echo': "
                + "container app: port `udp` is 5006/UDP in Deployment netpaths/echo-v2");
    }

    @Test
    void aPortNoRowNamesFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/sidecar-demo",
                d -> array(d, "/spec/template/spec/containers/0/ports").addObject().put("name", "debug").put("containerPort", 5005));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths/sidecar-demo: spec.template.spec.containers[app] port `debug` 5005/TCP: "
                + "not in docs/architecture.md's Ports table");
    }

    @Test
    void theSidecarListeningElsewhereFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/sidecar-demo",
                d -> at(d, "/spec/template/spec/initContainers/0/env/1").put("value", "127.0.0.1:9091"));
        List<String> findings = cluster.check(manifests);
        assertFinding(findings, "docs/architecture.md: Ports row 'sidecar-demo `sidecar` | 9090/TCP on 127.0.0.1 | (not exposed) | ",
                "container sidecar: no env value is 127.0.0.1:9090 (where it listens) in Deployment netpaths/sidecar-demo");
    }

    @Test
    void aNodePortRowThatIsNotTheServicesFails() {
        List<String> findings = clusterFindings(docWith("| Service `echo-local` | 30090/TCP node port |", "| Service `echo-local` | 30091/TCP node port |"));
        assertOnlyFinding(findings, "docs/architecture.md: Ports row 'Service `echo-local` | 30091/TCP node port | `http` | fixed, mapped to the host': "
                + "Service netpaths/echo-local port `http` has node port 30090/TCP");
    }

    @Test
    void anUnreadablePortsRowIsAFindingWithTheRow() {
        List<String> findings = clusterFindings(docWith("| caller-service | 8080/TCP |", "| caller-service | 8080 |"));
        assertFinding(findings, "docs/architecture.md: Ports row 'caller-service | 8080 | `http` | prober API': cannot read it (expected");
        // an unreadable row lists nothing: the caller's port is then unlisted
        assertFinding(findings, "spec.template.spec.containers[app] port `http` 8080/TCP: not in docs/architecture.md's Ports table");
        assertEquals(2, findings.size(), String.join("\n", findings));
    }

    /** Which property of a service's application.properties sets the port of each name the Ports table uses. */
    private static final Map<String, String> PORT_PROPERTY = Map.of("http", "quarkus.http.port", "udp", "netpaths.echo.udp-port");

    /** The Ports table's container ports against where each service listens: its application.properties. */
    static List<String> configuredPortProblems(String doc) {
        List<String> problems = new ArrayList<>();
        for (List<String> row : Fixtures.table(doc, ArchitectureCheck.PORT_COLUMNS)) {
            Matcher port = Pattern.compile("^(\\d+)/(TCP|UDP)$").matcher(row.get(1));
            if (row.get(0).startsWith("Service ") || !port.matches()) {
                continue; // node ports and listen addresses: the manifests own them (ArchitectureCheck)
            }
            String module = row.get(0).replaceAll("`.*", "").strip();
            String name = row.get(2).replace("`", "");
            String property = PORT_PROPERTY.get(name);
            Properties config = new Properties();
            try (Reader in = Files.newBufferedReader(RepoFiles.ROOT.resolve(module + "/src/main/resources/application.properties"))) {
                config.load(in);
            } catch (IOException e) {
                problems.add("Ports row '" + String.join(" | ", row) + "': cannot read " + module + "'s application.properties: " + e);
                continue;
            }
            if (property == null || !port.group(1).equals(config.getProperty(property))) {
                problems.add("Ports row '" + String.join(" | ", row) + "': " + module + "/src/main/resources/application.properties sets "
                        + (property == null ? "no property for a port named " + name + " (known: " + PORT_PROPERTY + ")"
                        : property + "=" + config.getProperty(property)));
            }
        }
        return problems;
    }

    @Test
    void thePortsTableIsWhereTheServicesListen() {
        assertEquals(List.of(), configuredPortProblems(DOC));
    }

    @Test
    void thePortsConfigCheckFailsOnARowTheServiceDoesNotListenOn() {
        assertEquals(List.of("Ports row 'caller-service | 8081/TCP | `http` | prober API': caller-service/src/main/resources/application.properties "
                + "sets quarkus.http.port=8080"), configuredPortProblems(docWith("| caller-service | 8080/TCP |", "| caller-service | 8081/TCP |")));
    }

    /** The node ports the table lists, as scripts/cluster/lib.sh's NODEPORT_HOST_PORTS spells them ("30080/TCP"). */
    static Set<String> tableNodePorts(String doc) {
        Set<String> ports = new TreeSet<>();
        for (List<String> row : Fixtures.table(doc, ArchitectureCheck.PORT_COLUMNS)) {
            Matcher m = Pattern.compile("^(\\d+/(?:TCP|UDP)) node port$").matcher(row.get(1));
            if (m.matches()) {
                ports.add(m.group(1));
            }
        }
        return ports;
    }

    @Test
    void theNodePortsAreTheOnesTheClusterScriptsMapToTheHost() {
        Matcher m = Pattern.compile("(?m)^NODEPORT_HOST_PORTS=\\(([^)]*)\\)$").matcher(RepoFiles.read("scripts/cluster/lib.sh"));
        assertTrue(m.find(), "scripts/cluster/lib.sh has no NODEPORT_HOST_PORTS=(...) line");
        Set<String> mapped = new TreeSet<>(List.of(m.group(1).strip().split("\\s+")));
        assertEquals(mapped, tableNodePorts(DOC), "scripts/cluster/lib.sh's NODEPORT_HOST_PORTS against docs/architecture.md's Ports table");
        assertEquals(Set.of("30080/TCP", "30081/UDP", "30091/TCP"),
                tableNodePorts(docWith("| Service `echo-local` | 30090/TCP", "| Service `echo-local` | 30091/TCP")), "the table's node ports are read");
    }

    @Test
    void anEntryPointRowWithAnotherBackendFails() {
        List<String> findings = Fixtures.architectureRoutes(docWith("| path prefix `/v2` | netpaths/echo-v2 |", "| path prefix `/v2` | netpaths/echo |"))
                .check(Fixtures.gatewayConfig());
        assertFinding(findings, "docs/architecture.md: Ingress: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo");
        assertFinding(findings, "docs/architecture.md: Istio: path prefix /v2 goes to netpaths/echo-v2, the table says netpaths/echo");
    }

    @Test
    void wrongReplicasFail() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/echo", d -> at(d, "/spec").put("replicas", 3));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths/echo: spec.replicas, topologySpreadConstraints: "
                + "is '3, spread over nodes', docs/architecture.md says '2, spread over nodes'");
    }

    @Test
    void aLocalPolicyNodePortWithClusterPolicyFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-local",
                svc -> at(svc, "/spec").put("externalTrafficPolicy", "Cluster"));
        assertOnlyFinding(cluster.check(manifests), "Service netpaths/echo-local: spec.type: is 'NodePort, `externalTrafficPolicy: Cluster`', "
                + "docs/architecture.md says 'NodePort, `externalTrafficPolicy: Local`'");
    }

    @Test
    void theStickyServiceWithoutClientIpAffinityFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Service netpaths/echo-sticky",
                svc -> at(svc, "/spec").remove("sessionAffinity"));
        assertOnlyFinding(cluster.check(manifests), "Service netpaths/echo-sticky: spec.type: is 'ClusterIP', "
                + "docs/architecture.md says 'ClusterIP, `sessionAffinity: ClientIP`'");
    }

    @Test
    void aCallerThatAvoidsTheControlPlaneFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "DaemonSet netpaths/caller",
                d -> at(d, "/spec/template/spec").remove("tolerations"));
        assertOnlyFinding(cluster.check(manifests), "DaemonSet netpaths/caller: spec.template.spec.tolerations: is 'one per node', "
                + "docs/architecture.md says 'one per node, control plane included'");
    }

    @Test
    void aSidecarThatIsAPlainInitContainerFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths/sidecar-demo",
                d -> at(d, "/spec/template/spec/initContainers/0").remove("restartPolicy"));
        assertOnlyFinding(cluster.check(manifests), "spec.template.spec.initContainers[sidecar]: a native sidecar");
    }

    @Test
    void echoNotSpreadOverNodesFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/echo",
                d -> at(d, "/spec/template/spec").remove("topologySpreadConstraints"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/echo: spec.replicas, topologySpreadConstraints: is '2', "
                + "docs/architecture.md says '2, spread over nodes'");
    }

    @Test
    void aMissingNetworkPolicyFails() {
        List<Manifest> manifests = without(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/deny-all");
        assertOnlyFinding(cluster.check(manifests), "docs/architecture.md: NetworkPolicy netpaths-other/deny-all is missing from the rendered manifests");
    }

    @Test
    void aDenyAllThatAllowsSomethingFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "NetworkPolicy netpaths-other/deny-all",
                p -> at(p, "/spec").putArray("ingress").addObject());
        assertOnlyFinding(cluster.check(manifests), "NetworkPolicy netpaths-other/deny-all: spec.ingress: has rules, docs/architecture.md says it allows nothing");
    }

    @Test
    void aMissingRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "HTTPRoute netpaths/echo",
                r -> array(r, "/spec/rules").remove(2));
        assertOnlyFinding(entryPoints.check(manifests), "docs/architecture.md: Gateway API: the table says header x-netpaths-version: v2 "
                + "is routed; gateway-config/ has no such route");
    }

    @Test
    void anUndocumentedRouteFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "VirtualService netpaths/echo",
                vs -> at(vs, "/spec/http/3/match/1/uri").put("prefix", "/other"));
        List<String> findings = entryPoints.check(manifests);
        assertFinding(findings, "docs/architecture.md: Istio: routes uri prefix /other → netpaths-other/echo, which the table lacks");
        assertFinding(findings, "docs/architecture.md: Istio: the table says path prefix /other is routed; gateway-config/ has no such route");
    }

    @Test
    void anIngressRouteToTheWrongBackendFails() {
        List<Manifest> manifests = broken(Fixtures.gatewayConfig(), "Ingress netpaths/echo",
                ing -> at(ing, "/spec/rules/0/http/paths/1/backend/service").put("name", "echo"));
        assertOnlyFinding(entryPoints.check(manifests), "docs/architecture.md: Ingress: path prefix /v2 goes to netpaths/echo, the table says netpaths/echo-v2");
    }

    @Test
    void theTrustedProberWithoutItsLabelFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/caller-trusted",
                d -> at(d, "/spec/template/metadata/labels").remove("netpaths.dev/trusted"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/caller-trusted: spec.template.metadata.labels: "
                + "must carry netpaths.dev/trusted");
    }

    @Test
    void anotherWorkloadWithTheTrustedLabelFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/echo",
                d -> at(d, "/spec/template/metadata/labels").put("netpaths.dev/trusted", "true"));
        assertOnlyFinding(cluster.check(manifests), "Deployment netpaths-other/echo: spec.template.metadata.labels: "
                + "carries netpaths.dev/trusted: only Deployment netpaths-other/caller-trusted may");
    }

    @Test
    void aTrustedProberThatIsNotTheCallerFails() {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), "Deployment netpaths-other/caller-trusted",
                d -> at(d, "/spec/template/spec/containers/0").put("image", "netpaths/echo-service:0.1.0"));
        List<String> findings = cluster.check(manifests);
        assertFinding(findings, "Deployment netpaths-other/caller-trusted: spec.template.spec.containers: differs from DaemonSet netpaths/caller's");
        // and, an echo-service container now, it lacks echo's udp port
        assertFinding(findings, "Ports row 'echo-service | 5005/UDP | `udp` | UDP echo': container app: port `udp` is none in "
                + "Deployment netpaths-other/caller-trusted");
    }
}

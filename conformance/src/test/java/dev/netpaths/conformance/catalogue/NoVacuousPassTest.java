package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.CallerJson;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import dev.netpaths.conformance.probe.Served;
import dev.netpaths.conformance.support.Fixture;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 10, item 3: each case shown to FAIL on the broken answer it used to accept. */
class NoVacuousPassTest {

    static final Topology.Pod CALLER = new Topology.Pod("netpaths", "caller-a", "n1", "10.244.1.4", "172.18.0.2",
            Map.of(Topology.APP, "caller-service"), true);

    static Attempt failed(ErrorKind kind) {
        return Attempt.failed(kind, "x", 1, "10.244.1.4");
    }

    static Attempt served(String pod, String version, String source, String seen) {
        return new Attempt(true, 200, 1.0, new Served("echo-service", version, pod, "netpaths", "n1", "10.244.2.3",
                "netpaths"), source, seen, null, null, null, null);
    }

    @Test
    void expectedFailuresNeedEveryTryAskedFor() {
        Expect refused = Expect.fails(ErrorKind.REFUSED);
        assertEquals(List.of(), Evaluator.problems(refused, Observation.of(List.of(failed(ErrorKind.REFUSED),
                failed(ErrorKind.REFUSED), failed(ErrorKind.REFUSED))), 3));
        assertEquals(List.of("0 tries reported, 3 asked for: a protocol error, nothing was proved"),
                Evaluator.problems(refused, Observation.of(List.of()), 3));
        assertEquals(List.of("1 tries reported, 3 asked for: a protocol error, nothing was proved"),
                Evaluator.problems(refused, Observation.of(List.of(failed(ErrorKind.REFUSED))), 3));
        assertFalse(Evaluator.problems(Expect.statusNotFromEcho(404), Observation.of(List.of()), 3).isEmpty());
    }

    @Test
    void aCallerAnswerWithoutAnAttemptsArrayIsAProtocolError() {
        ProbeException missing = assertThrows(ProbeException.class, () -> CallerJson.call(CALLER,
                "{\"url\":\"http://x:1/\",\"tries\":3,\"results\":[]}"));
        assertEquals(ErrorKind.PROTOCOL, missing.kind());
        assertThrows(ProbeException.class, () -> CallerJson.call(CALLER, "{\"url\":\"x\",\"attempts\":[]}"));
    }

    @Test
    void aBlockedCellAcceptsOnlyAConnectTimeout() {
        Topology calico = Fixture.withCni(Fixture.topology(), new Topology.Cni("calico", true, "test"));
        PathInstance blocked = CatalogueTest.expand("networkPolicyTruthTable", Fixture.environment(calico)).stream()
                .filter(p -> p.label().endsWith(" X")).findFirst().orElseThrow();
        int tries = ((Request.CallerHttp) blocked.request()).call().tries();
        List<Attempt> readTimeouts = new ArrayList<>();
        List<Attempt> connectTimeouts = new ArrayList<>();
        for (int i = 0; i < tries; i++) {
            readTimeouts.add(failed(ErrorKind.READ_TIMEOUT));
            connectTimeouts.add(failed(ErrorKind.CONNECT_TIMEOUT));
        }
        assertEquals(List.of(), Evaluator.problems(blocked.expect(), Observation.of(connectTimeouts), tries));
        assertTrue(Evaluator.problems(blocked.expect(), Observation.of(readTimeouts), tries).get(0)
                .startsWith("failed with READ_TIMEOUT"), "a read timeout means the connection was made");
    }

    @Test
    void unknownNameFailsWhenDnsTimesOutInsteadOfAnsweringNxdomain() {
        Expect e = CatalogueTest.named("unknownNameFailsWithDnsFailure").expand(Fixture.environment(
                Fixture.topology())).get(0).expect();
        assertEquals(List.of(), Evaluator.problems(e, Observation.of(List.of(failed(ErrorKind.DNS_FAILURE),
                failed(ErrorKind.DNS_FAILURE), failed(ErrorKind.DNS_FAILURE))), 3));
        assertTrue(Evaluator.problems(e, Observation.of(List.of(failed(ErrorKind.DNS_TIMEOUT),
                failed(ErrorKind.DNS_TIMEOUT), failed(ErrorKind.DNS_TIMEOUT))), 3).get(0)
                .startsWith("failed with DNS_TIMEOUT"));
    }

    @Test
    void clientIpRewrittenMeansRewrittenToTheEntryNode() {
        Expect e = Expect.answeredBy(Backend.echo("netpaths", "v1")).rewrittenTo(List.of("172.18.0.3",
                "10.244.1.0/24"));
        assertEquals(List.of(), Evaluator.problems(e, Observation.of(List.of(served("a", "v1", "172.18.0.1",
                "10.244.1.0"), served("a", "v1", "172.18.0.1", "172.18.0.3")))));
        // Rewritten, but to some other address (another NAT on the way): no longer a pass.
        assertTrue(Evaluator.problems(e, Observation.of(List.of(served("a", "v1", "172.18.0.1", "192.168.9.9"))))
                .get(0).endsWith("is not the entry node's address or pod CIDR [172.18.0.3, 10.244.1.0/24]"));
        List<PathInstance> nodePorts = CatalogueTest.expand("nodePortClusterPolicyRewritesClientIpOnEveryNode",
                Fixture.environment(Fixture.topology()));
        PathInstance worker = nodePorts.stream().filter(p -> p.label().equals("netpaths-worker")).findFirst()
                .orElseThrow();
        assertEquals(Expect.ClientIp.REWRITTEN_TO_NODE, worker.expect().clientIp());
        assertTrue(worker.expect().rewrittenTo().contains("172.18.0.3"), worker.expect().rewrittenTo().toString());
        PathInstance lb = CatalogueTest.expand("loadBalancerIpIsServedByEchoV1", Fixture.environment(
                Fixture.topology())).get(0);
        assertEquals(Expect.ClientIp.REWRITTEN_TO_NODE, lb.expect().clientIp(), "echo-lb is Cluster: SNATed to a node");
    }

    @Test
    void dnsCasesAssertTheMatchedNameAndTheClusterIp() {
        PathInstance shortName = CatalogueTest.expand("shortNameResolvesToServiceClusterIp",
                Fixture.environment(Fixture.topology())).get(0);
        List<String> ip = shortName.expect().addresses();
        Observation viaSearch = new Observation(List.of(), ip, null, "echo.netpaths.svc.cluster.local.", "dns");
        assertEquals(List.of(), Evaluator.problems(shortName.expect(), viaSearch));
        Observation viaHosts = new Observation(List.of(), ip, null, "echo", "hosts");
        assertTrue(Evaluator.problems(shortName.expect(), viaHosts).get(0).startsWith("answered as echo from hosts, "
                + "expected echo.netpaths.svc.cluster.local from dns"));
        // Through the ClusterIP: a caller that resolved the name to a pod IP fails the Service case.
        PathInstance spread = CatalogueTest.expand("udpThroughClusterIpIsAnswered",
                Fixture.environment(Fixture.topology())).get(0);
        assertEquals(ip, spread.expect().addresses());
        Observation toPod = new Observation(List.of(served("a", "v1", "10.244.1.4", "10.244.1.4")),
                List.of("10.244.2.3"), null);
        assertTrue(Evaluator.problems(spread.expect(), toPod).get(0).startsWith("the caller resolved the name to "
                + "[10.244.2.3], expected the ClusterIP"));
        // ExternalName: the ClusterIP of the Service its CNAME names.
        PathInstance external = CatalogueTest.expand("externalNameServiceReachesOtherNamespacePods",
                Fixture.environment(Fixture.topology())).get(0);
        assertEquals(List.of(Fixture.topology().service("netpaths-other", "echo").orElseThrow().clusterIp()),
                external.expect().addresses());
    }

    @Test
    void headlessExpectationsComeFromReadyPodsCrossCheckedWithSlices() {
        Topology t = Fixture.topology();
        PathInstance headless = CatalogueTest.expand("headlessServiceResolvesToReadyPodIps", Fixture.environment(t))
                .get(0);
        assertTrue(headless.fail() == null, String.valueOf(headless.fail()));
        String pod = t.readyPods("netpaths", "echo-service").stream().filter(p -> "v1".equals(p.version()))
                .findFirst().orElseThrow().name();
        PathInstance stale = CatalogueTest.expand("headlessServiceResolvesToReadyPodIps",
                Fixture.environment(Fixture.notReady(t, pod))).get(0);
        assertTrue(stale.fail().contains("but its EndpointSlices list"), String.valueOf(stale.fail()));
    }

    @Test
    void aSplitTryWithoutEchoIdentityFailsTheSplit() {
        Expect split = Expect.split(Map.of("v1", 80, "v2", 20), 6);
        List<Attempt> tries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tries.add(served("a", "v1", "h", "h"));
        }
        tries.add(served("b", "v2", "h", "h"));
        tries.add(served("b", "v2", "h", "h"));
        assertEquals(List.of(), Evaluator.problems(split, Observation.of(tries)));
        tries.add(new Attempt(true, 200, 1, null, "h", null, null, null, null, "<html>proxy</html>"));
        assertTrue(Evaluator.problems(split, Observation.of(tries)).get(0).startsWith("a try was answered without "
                + "echo identity"));
    }

    @Test
    void hairpinTriesFollowTheNumberOfCallerEndpoints() {
        assertEquals(3, Target.Hairpin.tries(1));
        assertEquals(20, Target.Hairpin.tries(2));
        assertEquals(35, Target.Hairpin.tries(3));
        assertEquals(132, Target.Hairpin.tries(10));
        for (int n = 2; n <= 50; n++) {
            assertTrue(Math.pow(1 - 1.0 / n, Target.Hairpin.tries(n)) <= Target.Hairpin.MISS, "n=" + n);
        }
    }

    /** The policy model over the real k8s/components/network-policies, read from the repository. */
    @Test
    void theReferencePoliciesAreModelledExactly() throws Exception {
        List<Topology.Policy> policies = new ArrayList<>();
        for (String file : List.of("deny-all.yaml", "echo.yaml", "echo-restricted.yaml")) {
            try (InputStream in = Files.newInputStream(Path.of("../k8s/components/network-policies", file))) {
                policies.add(Discovery.policy(Serialization.unmarshal(in, NetworkPolicy.class)));
            }
        }
        Topology t = Fixture.withPolicies(Fixture.topology(), policies);
        Topology.Pod otherEcho = t.readyPods("netpaths-other", "echo-service").get(0);
        Topology.Pod restricted = t.readyPods("netpaths-other", "echo-restricted").get(0);
        Topology.Pod caller = t.readyPods("netpaths", "caller-service").get(0);
        assertTrue(Reachability.allowed(t, caller, otherEcho, 8080, "http"));
        assertFalse(Reachability.allowed(t, caller, restricted, 8080, "http"));
        // matchExpressions In: the entry-point namespaces are allowed, any other namespace is not (an evaluator
        // that read only matchLabels saw {} = every namespace here).
        assertTrue(Reachability.allowed(t, pod("envoy-gateway-system", Map.of()), otherEcho, 8080, "http"));
        assertFalse(Reachability.allowed(t, pod("default", Map.of()), otherEcho, 8080, "http"));
        assertTrue(Reachability.allowed(t, pod("netpaths-other", Map.of("netpaths.dev/trusted", "true")), restricted,
                8080, "http"));
        assertFalse(Reachability.allowed(t, pod("netpaths", Map.of("netpaths.dev/trusted", "true")), restricted,
                8080, "http"));
    }

    static Topology.Pod pod(String namespace, Map<String, String> labels) {
        return new Topology.Pod(namespace, "p", "n", "10.9.0.1", "h", labels, true);
    }

    @Test
    void selectorOperatorsIpBlocksPortRangesAndEgressAreEvaluated() {
        Topology.Selector sel = new Topology.Selector(Map.of(), List.of(
                new Topology.Expression("tier", "NotIn", List.of("db")), new Topology.Expression("app", "Exists",
                        List.of()), new Topology.Expression("debug", "DoesNotExist", List.of())));
        assertTrue(sel.matches(Map.of("app", "x", "tier", "web")));
        assertFalse(sel.matches(Map.of("app", "x", "tier", "db")));
        assertFalse(sel.matches(Map.of("tier", "web")));
        assertFalse(sel.matches(Map.of("app", "x", "debug", "1")));
        Topology base = Fixture.topology();
        Topology.Pod target = pod("netpaths-other", Map.of("role", "t"));
        Topology.Pod inside = new Topology.Pod("default", "s", "n", "10.244.5.7", "h", Map.of(), true);
        Topology.Pod outside = new Topology.Pod("default", "s", "n", "10.244.6.7", "h", Map.of(), true);
        Topology.Policy ipBlock = new Topology.Policy("netpaths-other", "ip", Topology.Selector.labels(
                Map.of("role", "t")), List.of("Ingress"), List.of(new Topology.Rule(List.of(new Topology.Peer(null,
                null, "10.244.0.0/16", List.of("10.244.6.0/24"))), List.of(new Topology.PolicyPort("TCP", "8000",
                9000)))), List.of());
        Topology t = Fixture.withPolicies(base, List.of(ipBlock));
        assertTrue(Reachability.allowed(t, inside, target, 8080, "http"));
        assertFalse(Reachability.allowed(t, outside, target, 8080, "http"), "in the except range");
        assertFalse(Reachability.allowed(t, inside, target, 9090, "x"), "outside port..endPort");
        assertFalse(Reachability.allowed(t, inside, target, "UDP", 8080, "http"), "another protocol");
        Topology.Policy denyEgress = new Topology.Policy("default", "no-egress", Topology.Selector.ALL,
                List.of("Egress"), List.of(), List.of());
        assertFalse(Reachability.allowed(Fixture.withPolicies(base, List.of(ipBlock, denyEgress)), inside, target,
                8080, "http"), "the source's egress policy blocks it");
    }
}

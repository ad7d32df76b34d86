package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.conformance.support.Fixture;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The egress truth table over the real k8s/components/network-policies (loaded from the repository, not the
 * fixture's copy): which cells the reference egress policy blocks, per CNI, and that a policy selecting no caller
 * or blocking nothing is reported broken instead of passing untested.
 */
class EgressTableTest {

    private static final Path COMPONENT = Path.of("../k8s/components/network-policies");
    private static final String CASE = "networkPolicyEgressTruthTable";

    static List<Topology.Policy> realPolicies() throws IOException {
        List<Topology.Policy> out = new ArrayList<>();
        for (String file : List.of("deny-all.yaml", "echo.yaml", "echo-restricted.yaml", "caller-egress.yaml")) {
            out.add(Discovery.policy(Serialization.unmarshal(Files.readString(COMPONENT.resolve(file)), NetworkPolicy.class)));
        }
        return out;
    }

    static Map<String, PathInstance> cells(Topology.Cni cni, List<Topology.Policy> policies) {
        Topology t = Fixture.withCni(Fixture.withPolicies(Fixture.topology(), policies), cni);
        return CatalogueTest.expand(CASE, Fixture.environment(t)).stream()
                .collect(Collectors.toMap(PathInstance::label, p -> p));
    }

    @Test
    void theReferencePolicySelectsEveryCaller() throws IOException {
        Topology.Policy egress = realPolicies().get(3);
        Topology t = Fixture.topology();
        assertEquals(3, t.readyPods("netpaths", "caller-service").size());
        assertTrue(t.readyPods("netpaths", "caller-service").stream().allMatch(p -> egress.podSelector().matches(p.labels())),
                "caller-egress must select the caller pods, or it polices nothing");
    }

    @Test
    void onCalicoTheUdpCellIntoNetpathsOtherTimesOutAndTheOthersAnswer() throws IOException {
        Map<String, PathInstance> cells = cells(new Topology.Cni("calico", true, "test"), realPolicies());
        assertEquals(9, cells.size(), "3 callers × 3 cells: " + cells.keySet());
        PathInstance blocked = cells.get("netpaths-worker → udp 5005 → netpaths-other/echo X");
        assertEquals(Expect.Outcome.FAILS, blocked.expect().outcome());
        assertEquals(java.util.Set.of(ErrorKind.READ_TIMEOUT), blocked.expect().errors());
        assertEquals("udp://echo.netpaths-other:5005", ((Request.CallerHttp) blocked.request()).call().url());
        assertNull(blocked.skip());
        assertEquals(Expect.Outcome.ANSWERED, cells.get("netpaths-worker → tcp 8080 → netpaths-other/echo .").expect().outcome());
        assertEquals(Expect.Outcome.ANSWERED, cells.get("netpaths-worker → udp 5005 → netpaths/echo .").expect().outcome());
    }

    @Test
    void onFlannelTheBlockedCellIsExpectedToAnswerAndSaysWhy() throws IOException {
        PathInstance blocked = cells(new Topology.Cni("flannel", false, "test"), realPolicies())
                .get("netpaths-worker → udp 5005 → netpaths-other/echo X");
        assertEquals(Expect.Outcome.ANSWERED, blocked.expect().outcome());
        assertTrue(blocked.note().contains("flannel does not enforce NetworkPolicy"), blocked.note());
    }

    @Test
    void withoutThePortLimitNothingIsBlockedAndTheTableIsBrokenOnCalico() throws IOException {
        List<Topology.Policy> policies = new ArrayList<>(realPolicies());
        Topology.Policy egress = policies.remove(3);
        policies.add(new Topology.Policy(egress.namespace(), egress.name(), egress.podSelector(), egress.policyTypes(),
                egress.ingress(), egress.egress().stream().map(r -> new Topology.Rule(r.peers(), List.of())).toList()));
        PathInstance only = CatalogueTest.expand(CASE, Fixture.environment(Fixture.withCni(Fixture.withPolicies(
                Fixture.topology(), policies), new Topology.Cni("calico", true, "test")))).get(0);
        assertTrue(only.fail().contains("no egress cell is expected blocked"), only.fail());
    }

    @Test
    void aPolicyThatSelectsNoCallerIsCaughtTheSameWay() throws IOException {
        List<Topology.Policy> policies = new ArrayList<>(realPolicies());
        Topology.Policy egress = policies.remove(3);
        policies.add(new Topology.Policy(egress.namespace(), egress.name(),
                Topology.Selector.labels(Map.of("app.kubernetes.io/name", "caller")), egress.policyTypes(),
                egress.ingress(), egress.egress()));
        PathInstance only = CatalogueTest.expand(CASE, Fixture.environment(Fixture.withCni(Fixture.withPolicies(
                Fixture.topology(), policies), new Topology.Cni("weave", true, "test")))).get(0);
        assertTrue(only.fail().contains("no egress cell is expected blocked"), only.fail());
    }

    @Test
    void withoutTheReferenceEgressPolicyTheTableIsBroken() throws IOException {
        PathInstance only = CatalogueTest.expand(CASE, Fixture.environment(Fixture.withPolicies(Fixture.topology(),
                realPolicies().subList(0, 3)))).get(0);
        assertTrue(only.fail().startsWith("the reference egress policy netpaths/caller-egress is absent"), only.fail());
    }
}

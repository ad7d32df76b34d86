package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.support.Fixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Installed but not working FAILS with a likely cause; not installed skips with the reason (issue 10, item 1).
 * Each test breaks one thing in the lab-shaped fixture and shows the case that passed on it now fails.
 */
class BrokenIsFailedTest {

    static final Topology T = Fixture.topology();
    static final Map<String, String> CALLER = Map.of(Topology.APP, "caller-service");

    static PathInstance only(String caseName, Topology t) {
        List<PathInstance> paths = CatalogueTest.expand(caseName, Fixture.environment(t));
        assertEquals(1, paths.size(), paths.toString());
        return paths.get(0);
    }

    static Topology withCallerDaemonSet(Topology t) {
        List<Topology.Workload> all = new ArrayList<>(t.workloads());
        all.add(new Topology.Workload("netpaths", "caller", "DaemonSet", CALLER, CALLER, 3));
        return Fixture.withWorkloads(t, all);
    }

    static Topology noReadyCallers(Topology t) {
        return Fixture.withPods(t, t.pods().stream().map(p -> !"caller-service".equals(p.app()) ? p
                : new Topology.Pod(p.namespace(), p.name(), p.node(), p.ip(), p.hostIp(), p.labels(), false)).toList());
    }

    @Test
    void crashLoopingCallersFailTheCasesThatNeedThemButAbsentCallersSkip() {
        PathInstance installed = only("shortNameResolvesToServiceClusterIp", noReadyCallers(withCallerDaemonSet(T)));
        assertNull(installed.skip());
        assertTrue(installed.fail().startsWith("DaemonSet netpaths/caller has 0/3 pods ready. Likely cause: its pods "
                + "are not Ready"), installed.fail());
        PathInstance absent = only("shortNameResolvesToServiceClusterIp", noReadyCallers(T));
        assertNull(absent.fail());
        assertEquals("no caller-service workload in namespace netpaths (not installed here)", absent.skip());
        assertTrue(only("networkPolicyTruthTable", noReadyCallers(withCallerDaemonSet(T))).fail() != null);
    }

    @Test
    void aReplicaThatIsNotReadyFailsTheWorkloadsCaseAndTheSpreadCase() {
        Topology healthy = T;
        List<PathInstance> ok = CatalogueTest.expand("workloadsHaveEveryReplicaReadyBehindTheirServices",
                Fixture.environment(healthy));
        assertTrue(ok.stream().allMatch(p -> p.fail() == null && p.skip() == null), ok.toString());
        String echoPod = T.readyPods("netpaths", "echo-service").stream().filter(p -> "v1".equals(p.version()))
                .findFirst().orElseThrow().name();
        Topology broken = Fixture.notReady(T, echoPod);
        PathInstance echo = CatalogueTest.expand("workloadsHaveEveryReplicaReadyBehindTheirServices",
                Fixture.environment(broken)).stream().filter(p -> p.label().equals("Deployment netpaths/echo"))
                .findFirst().orElseThrow();
        assertTrue(echo.fail().startsWith("Deployment netpaths/echo has 1/2 pods ready"), echo.fail());
        // Fewer ready endpoints than the workload's replicas: the spread case fails instead of skipping.
        Topology fewerEndpoints = new Topology(T.cluster(), T.platform(), T.cni(), T.nodes(), T.namespaces(),
                T.pods(), T.services(), T.endpointSlices().stream().map(s -> !s.service().equals("echo")
                        || !s.namespace().equals("netpaths") ? s : new Topology.EndpointSlice(s.namespace(),
                        s.service(), s.endpoints().subList(0, 1))).toList(), T.networkPolicies(), T.ingresses(),
                T.gatewayApi(), T.istio(), T.workloads(), T.apiServer());
        PathInstance spread = only("clusterIpSpreadsOverEndpointsAndKeepsClientIp", fewerEndpoints);
        assertTrue(spread.fail().startsWith("only 1 ready endpoint(s) behind Service netpaths/echo while its workload "
                + "wants 2 replicas"), spread.fail());
    }

    @Test
    void anEntryPointWithoutAnAddressOrNotProgrammedFails() {
        // MetalLB not announcing: echo-lb exists, no IP.
        Topology noLb = Fixture.withServices(T, T.services().stream().map(s -> !s.name().equals("echo-lb") ? s
                : new Topology.Service(s.namespace(), s.name(), s.type(), s.clusterIp(), s.ports(), List.of(),
                        s.externalTrafficPolicy(), s.externalName(), s.selector())).toList());
        assertTrue(only("loadBalancerIpIsServedByEchoV1", noLb).fail().contains("has no LoadBalancer IP within the "
                + "convergence window. Likely cause: MetalLB"));
        // Ingress exists, no address and no controller IP.
        Topology noIngressIp = Fixture.withServices(Fixture.withIngresses(noLb, T.ingresses().stream()
                .map(i -> new Topology.Ingress(i.namespace(), i.name(), i.className(), i.hosts(), List.of())).toList()),
                noLb.services().stream().filter(s -> !s.namespace().contains("ingress")).toList());
        assertTrue(only("ingressRoutesV1PathToV1", noIngressIp).fail().contains("has no status address"));
        // Gateway not Programmed; GatewayClass not Accepted.
        Topology.Gateway g = T.gatewayApi().gateways().get(0);
        Topology notProgrammed = Fixture.withGatewayApi(T, new Topology.GatewayApi(true, List.of(
                new Topology.Gateway(g.namespace(), g.name(), g.addresses(), g.listeners(), "netpaths",
                        Map.of("Programmed", "False/AddressNotAssigned"))), true, List.of(), List.of()));
        assertTrue(only("gatewayRoutesV1PathToV1", notProgrammed).fail().startsWith("Gateway netpaths/netpaths-gateway "
                + "is not Programmed (False/AddressNotAssigned)"));
        Topology notAccepted = Fixture.withGatewayApi(T, new Topology.GatewayApi(true, List.of(
                new Topology.Gateway(g.namespace(), g.name(), g.addresses(), g.listeners(), "netpaths", Map.of())), true,
                List.of(new Topology.GatewayClass("netpaths", Map.of("Accepted", "False/Unsupported"))), List.of()));
        assertTrue(only("gatewayRoutesV1PathToV1", notAccepted).fail().startsWith("GatewayClass netpaths is not "
                + "Accepted"));
        // Not installed at all: a skip with the reason.
        Topology noGatewayApi = Fixture.withGatewayApi(T, new Topology.GatewayApi(false, List.of(), false));
        assertTrue(only("gatewayRoutesV1PathToV1", noGatewayApi).skip().startsWith("Gateway API CRDs absent"));
    }

    @Test
    void aServiceChangedToLocalFailsTheCaseNamedForClusterNamingTheField() {
        Topology local = Fixture.withServices(T, T.services().stream().map(s -> !s.name().equals("echo-nodeport") ? s
                : new Topology.Service(s.namespace(), s.name(), s.type(), s.clusterIp(), s.ports(),
                        s.loadBalancerIps(), "Local", s.externalName(), s.selector())).toList());
        PathInstance p = only("nodePortClusterPolicyRewritesClientIpOnEveryNode", local);
        assertTrue(p.fail().startsWith("Service netpaths/echo-nodeport has spec.externalTrafficPolicy Local, the case "
                + "is named for Cluster"), p.fail());
    }

    @Test
    void theReferenceGrantCaseFailsWhenTheRouteStatusSaysTheRefResolved() {
        Topology.Gateway g = T.gatewayApi().gateways().get(0);
        Topology.HttpRoute admitted = new Topology.HttpRoute("netpaths", "echo",
                List.of("netpaths/echo", "netpaths-other/echo-restricted"), List.of("True/ResolvedRefs"));
        Topology t = Fixture.withGatewayApi(T, new Topology.GatewayApi(true, List.of(g), true, List.of(),
                List.of(admitted)));
        assertTrue(only("gatewayRefusesOtherDeniedWithoutReferenceGrant", t).fail().contains("reports ResolvedRefs "
                + "[True/ResolvedRefs] with a backendRef to netpaths-other/echo-restricted, expected "
                + "False/RefNotPermitted"));
        Topology.HttpRoute refused = new Topology.HttpRoute("netpaths", "echo",
                List.of("netpaths-other/echo-restricted"), List.of("False/RefNotPermitted"));
        PathInstance ok = only("gatewayRefusesOtherDeniedWithoutReferenceGrant", Fixture.withGatewayApi(T,
                new Topology.GatewayApi(true, List.of(g), true, List.of(), List.of(refused))));
        assertNull(ok.fail());
        assertTrue(ok.note().contains("ResolvedRefs False/RefNotPermitted"));
    }

    @Test
    void theTruthTableFailsWithoutTheReferencePoliciesOrWithoutABlockedCellOnAnEnforcingCni() {
        Topology calico = Fixture.withCni(T, new Topology.Cni("calico", true, "test"));
        assertTrue(only("networkPolicyTruthTable", Fixture.withPolicies(calico, List.of())).fail()
                .startsWith("the reference NetworkPolicies [netpaths-other/deny-all, netpaths-other/echo, "
                        + "netpaths-other/echo-restricted] are absent"));
        // echo-restricted opened to everyone: the policies exist, but nothing is blocked any more.
        List<Topology.Policy> open = calico.networkPolicies().stream().map(p -> !p.name().equals("echo-restricted")
                && !p.name().equals("deny-all") ? p : new Topology.Policy(p.namespace(), p.name(), p.podSelector(),
                p.policyTypes(), List.of(new Topology.Rule(List.of(), List.of())), List.of())).toList();
        assertTrue(only("networkPolicyTruthTable", Fixture.withPolicies(calico, open)).fail()
                .startsWith("CNI calico enforces NetworkPolicy but no cell of the table is expected blocked"));
        // The lab declares not-enforced for calico: the harness's own table disagrees, the table FAILS.
        Topology.Cni declared = dev.netpaths.conformance.discovery.DiscoveryAccess.cniFromLab(
                Map.of("cni", "calico", "networkPolicy", "not-enforced"));
        assertTrue(declared.enforcesNetworkPolicy());
        assertTrue(only("networkPolicyTruthTable", Fixture.withCni(T, declared)).fail()
                .contains("declares networkPolicy not-enforced for CNI calico, but calico enforces NetworkPolicy"));
    }

    @Test
    void crossClusterAnswersArePinnedToThePeersDiscoveredPods() {
        Topology b = Fixture.renamed(T, "netpaths-b");
        Environment two = new Environment(T, Optional.of(b), (ip, port) -> Optional.empty(),
                Environment.Settings.DEFAULT);
        Backend expected = CatalogueTest.expand("crossClusterCallerReachesPeerLoadBalancer", two).get(0).expect()
                .backend();
        assertEquals("netpaths-b", expected.cluster());
        assertEquals(b.readyPods("netpaths", "echo-service").stream().map(p -> p.name() + "@" + p.ip())
                .collect(java.util.stream.Collectors.toSet()), expected.podsIn());
        Topology.Pod inB = b.readyPods("netpaths", "echo-service").stream().filter(p -> "v1".equals(p.version()))
                .findFirst().orElseThrow();
        assertTrue(expected.matches(new dev.netpaths.conformance.probe.Served("echo-service", "v1", inB.name(),
                "netpaths", "n", inB.ip(), "netpaths-b")));
        // An answer from a pod B does not have fails, whatever cluster name it reports; so does a pod of A with
        // the same name as one of B's (deterministic names) but another pod IP.
        assertFalse(expected.matches(new dev.netpaths.conformance.probe.Served("echo-service", "v1", "echo-in-a",
                "netpaths", "n", "10.244.0.9", "netpaths-b")));
        assertFalse(expected.matches(new dev.netpaths.conformance.probe.Served("echo-service", "v1", inB.name(),
                "netpaths", "n", "10.99.0.9", "netpaths-b")));
    }
}

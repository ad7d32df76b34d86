package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.conformance.support.Fixture;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue as data: names, selection, and expansion against a lab-shaped cluster. */
class CatalogueTest {

    static PathCase named(String name) {
        return Catalogue.CASES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static List<PathInstance> expand(String name, Environment env) {
        return named(name).expand(env);
    }

    @Test
    void casesHaveUniqueBehaviourNamesAndSayWhatTheyProve() {
        Set<String> names = new HashSet<>();
        for (PathCase c : Catalogue.CASES) {
            assertTrue(names.add(c.name()), "duplicate case " + c.name());
            assertTrue(c.name().matches("[a-z][A-Za-z0-9]+"), c.name());
            assertFalse(c.proves().isBlank(), c.name());
            assertFalse(c.skipsWhen().isBlank(), c.name());
        }
        assertEquals(Set.of("workloads", "localhost", "pod-to-pod", "service", "dns", "udp", "nodeport", "loadbalancer",
                        "networkpolicy", "cross-cluster", "ingress", "gateway", "istio", "disruption"),
                Catalogue.CASES.stream().map(PathCase::group).collect(Collectors.toSet()));
    }

    @Test
    void entryCasesFollowTheRouteTablePerApi() {
        Set<String> gateway = Catalogue.select(List.of("gateway")).stream().map(PathCase::name).collect(Collectors.toSet());
        assertEquals(11, gateway.size());
        assertTrue(gateway.contains("gatewayRefusesOtherDeniedWithoutReferenceGrant"));
        assertTrue(gateway.containsAll(Set.of("gatewayRefusesKeyedPathWithoutApiKey", "gatewayAnswersKeyedPathWithApiKey",
                "gatewayRateLimitsLimitedPath")), "Envoy Gateway's policies are Gateway-only: " + gateway);
        assertEquals(4, Catalogue.select(List.of("ingress*")).size(), "Ingress cannot express header, split, other");
        assertEquals(7, Catalogue.select(List.of("istio")).size());
    }

    @Test
    void onlyTheGatewayApiSaysAReferenceGrantLetsItsRouteCrossNamespaces() {
        assertEquals("/other reaches netpaths-other/echo across namespaces (the ReferenceGrant in netpaths-other "
                + "admits the HTTPRoute)", named("gatewayRoutesOtherToOtherNamespace").proves());
        String istio = named("istioRoutesOtherToOtherNamespace").proves();
        assertFalse(istio.contains("ReferenceGrant"), istio);
        assertEquals("/other reaches netpaths-other/echo across namespaces (a VirtualService may route to a host in "
                + "any namespace, with no grant)", istio);
        Catalogue.CASES.forEach(c -> assertFalse(c.proves().contains("{"), c.name() + ": " + c.proves()));
    }

    @Test
    void globsSelectByNameOrGroupAndCombine() {
        assertEquals(List.of("sameNodePodToPodKeepsClientIp", "crossNodePodToPodKeepsClientIp",
                        "crossNamespacePodToPodKeepsClientIp", "clusterIpSpreadsOverEndpointsAndKeepsClientIp",
                        "nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun"),
                Catalogue.select(List.of("*KeepsClientIp*")).stream().map(PathCase::name).toList());
        assertEquals(6 + 2, Catalogue.select(List.of("dns", "udp")).size(), "6 dns cases and 2 udp cases");
        assertTrue(Catalogue.select(List.of("noSuchCase")).isEmpty());
        assertEquals(Catalogue.CASES.stream().filter(c -> !c.group().equals("disruption")).toList(),
                Catalogue.select(List.of()));
    }

    @Test
    void theDisruptionGroupRunsOnlyWhenNamed() {
        List<String> disruption = List.of("rollingRestartLosesNoRequest", "rollingRestartWithoutDrainLosesRequests");
        assertEquals(disruption, Catalogue.CASES.stream().filter(c -> c.group().equals("disruption"))
                .map(PathCase::name).toList());
        for (List<String> globs : List.<List<String>>of(List.of(), List.of("*"), List.of("rolling*"), List.of("disrupt*"),
                List.of("*Request*"), List.of("dis?uption"))) {
            assertTrue(Catalogue.select(globs).stream().noneMatch(c -> c.group().equals("disruption")),
                    globs + " must leave the disruption group out: it rolls echo");
        }
        assertEquals(Catalogue.CASES.size() - 2, Catalogue.select(List.of("*")).size());
        assertEquals(disruption, Catalogue.select(List.of("disruption")).stream().map(PathCase::name).toList());
        assertEquals(List.of("rollingRestartLosesNoRequest"),
                Catalogue.select(List.of("rollingRestartLosesNoRequest")).stream().map(PathCase::name).toList());
        assertEquals(Catalogue.CASES.size(), Catalogue.select(List.of("*", "disruption")).size());
    }

    @Test
    void everyCaseExpandsAgainstALabClusterAndSkipsOnlyWithAReason() {
        Environment env = Fixture.environment(Fixture.topology());
        for (PathCase c : Catalogue.CASES) {
            List<PathInstance> paths = c.expand(env);
            assertFalse(paths.isEmpty(), c.name());
            for (PathInstance p : paths) {
                // A path is skipped, failed by discovery, probed, or (workloads) a discovery check.
                assertTrue(p.skip() != null || p.fail() != null || p.request() != null && p.expect() != null
                        || c.group().equals("workloads"), p.displayName());
                assertTrue(p.fail() == null, "the lab fixture is healthy: " + p.displayName() + ": " + p.fail());
            }
        }
        assertEquals("Istio not installed (no Service istio-system/istio-ingressgateway)",
                expand("istioRoutesV1PathToV1", env).get(0).skip());
        assertTrue(expand("crossClusterCallerReachesPeerLoadBalancer", env).get(0).skip().startsWith("no second cluster"));
        assertTrue(expand("podReachesItselfThroughItsService", env).get(0).skip()
                .startsWith("no Service with a ClusterIP selects"));
    }

    @Test
    void podToPodPicksCallersByNodeAndExpectsExactlyTheTargetPod() {
        Environment env = Fixture.environment(Fixture.topology());
        PathInstance same = expand("sameNodePodToPodKeepsClientIp", env).get(0);
        PathInstance cross = expand("crossNodePodToPodKeepsClientIp", env).get(0);
        Request.CallerHttp sameCall = (Request.CallerHttp) same.request();
        Request.CallerHttp crossCall = (Request.CallerHttp) cross.request();
        assertEquals("echo-7d9c6-p9k2m", same.expect().backend().pod());
        assertEquals("netpaths-worker2", sameCall.caller().node());
        assertEquals("http://10.244.2.3:8080/echo", sameCall.call().url());
        assertFalse(crossCall.caller().node().equals("netpaths-worker2"));
        assertEquals(Expect.ClientIp.PRESERVED, cross.expect().clientIp());
    }

    @Test
    void podPathLikelyCausesNameOnlyTheHopsThePathCrosses() {
        Environment env = Fixture.environment(Fixture.topology());
        String cross = "is the pod network routed between nodes (CNI)?";
        PathInstance same = expand("sameNodePodToPodKeepsClientIp", env).get(0);
        assertFalse(same.hint().contains(cross), same.hint());
        assertTrue(same.hint().endsWith("no node boundary is crossed (the caller is on the same node): is the pod "
                + "wired into its node (its veth on the CNI's bridge, or the CNI's route to it)?"), same.hint());
        assertTrue(same.hint().startsWith("pod echo-7d9c6-p9k2m at 10.244.2.3:8080 on netpaths-worker2: "), same.hint());
        PathInstance other = expand("crossNodePodToPodKeepsClientIp", env).get(0);
        assertTrue(other.hint().endsWith(": " + cross), other.hint());
        PathInstance sidecar = expand("sidecarReachesItsSidecarOverLocalhost", env).get(0);
        assertFalse(sidecar.hint().contains(cross), sidecar.hint());
        assertTrue(sidecar.hint().contains("sidecar running in the same pod and listening on the pod's 127.0.0.1"),
                sidecar.hint());
        assertTrue(expand("sidecarPortIsUnreachableFromAnotherPod", env).get(0).hint()
                .contains("its listener must bind 127.0.0.1 only"));
        // ANY_NODE: the relation of the caller actually picked decides
        PathInstance ns = expand("crossNamespacePodToPodKeepsClientIp", env).get(0);
        Request.CallerHttp call = (Request.CallerHttp) ns.request();
        boolean sameNode = call.caller().node().equals(ns.to().substring("node:".length()));
        assertEquals(sameNode, ns.hint().contains("no node boundary is crossed"), ns.hint());
        assertEquals(!sameNode, ns.hint().contains(cross), ns.hint());
    }

    @Test
    void singleNodeClustersSkipCrossNodeWithTheReason() {
        Topology t = Fixture.topology();
        Topology one = new Topology(t.cluster(), t.platform(), t.cni(), t.nodes().subList(1, 2), t.namespaces(),
                t.pods().stream().filter(p -> "netpaths-worker".equals(p.node())).toList(), t.services(),
                t.endpointSlices(), t.networkPolicies(), t.ingresses(), t.gatewayApi(), t.istio());
        assertEquals("no caller-service pod on another node than any ready echo-service pod (1 node(s))",
                expand("crossNodePodToPodKeepsClientIp", Fixture.environment(one)).get(0).skip());
    }

    @Test
    void localPolicyNodePortExpectsNoAnswerWhereNoEndpointRuns() {
        List<PathInstance> paths = expand("nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun",
                Fixture.environment(Fixture.topology()));
        Map<String, PathInstance> byNode = paths.stream().collect(Collectors.toMap(PathInstance::label, p -> p));
        assertEquals(Set.of("netpaths-control-plane", "netpaths-worker", "netpaths-worker2"), byNode.keySet());
        assertEquals(Expect.Outcome.FAILS, byNode.get("netpaths-control-plane").expect().outcome());
        assertTrue(byNode.get("netpaths-control-plane").note().contains("no local endpoint"));
        assertEquals("netpaths-worker", byNode.get("netpaths-worker").expect().backend().node());
        assertEquals(30090, ((Request.HostHttp) byNode.get("netpaths-worker").request()).port());
        assertEquals("NodePort 30090/TCP on node netpaths-worker (172.18.0.3) unreachable: is the port mapped / "
                + "kube-proxy running?", byNode.get("netpaths-worker").hint());
        assertTrue(byNode.get("netpaths-control-plane").hint().contains("answered without a local endpoint"));
    }

    @Test
    void unroutableEntryPointsSkipWithTheHostReason() {
        Environment mac = new Environment(Fixture.topology(), Optional.empty(),
                (ip, port) -> Optional.of(ip + " is not routable from this host"), Environment.Settings.DEFAULT);
        assertEquals("172.18.255.202 is not routable from this host", expand("gatewayRoutesV1PathToV1", mac).get(0).skip());
        assertEquals("172.18.255.200 is not routable from this host",
                expand("loadBalancerIpIsServedByEchoV1", mac).get(0).skip());
    }

    @Test
    void gatewayAndIngressCasesTargetTheStatusAddressWithTheirHostname() {
        Environment env = Fixture.environment(Fixture.topology());
        Request.HostHttp split = (Request.HostHttp) expand("gatewaySplitsEightyTwenty", env).get(0).request();
        assertEquals("172.18.255.202", split.ip());
        assertEquals("gateway.netpaths.test", split.hostHeader());
        assertEquals(500, split.tries());
        PathInstance v1 = expand("ingressRoutesV1PathToV1", env).get(0);
        assertTrue(v1.expect().forwardedFor(), "nginx adds X-Forwarded-For");
        assertEquals("unknown.netpaths.test",
                ((Request.HostHttp) expand("ingressAnswersUnknownHostWithNotFound", env).get(0).request()).hostHeader());
    }

    @Test
    void crossClusterCasesExpectThePeersClusterName() {
        Topology a = Fixture.topology();
        Environment two = new Environment(a, Optional.of(Fixture.renamed(a, "peer-b")), (ip, port) -> Optional.empty(),
                Environment.Settings.DEFAULT);
        PathInstance lb = expand("crossClusterCallerReachesPeerLoadBalancer", two).get(0);
        assertEquals("peer-b", lb.expect().backend().cluster());
        assertEquals("http://172.18.255.200:80/echo", ((Request.CallerHttp) lb.request()).call().url());
        PathInstance ingress = expand("crossClusterCallerReachesPeerIngress", two).get(0);
        assertEquals(Map.of("Host", "ingress.netpaths.test"), ((Request.CallerHttp) ingress.request()).call().headers());
    }

    @Test
    void truthTableOnFlannelExpectsTheBlockedPairReachableAndSaysWhy() {
        Map<String, PathInstance> cells = truthTable(new Topology.Cni("flannel", false, "test"));
        assertEquals(10, cells.size(), "3 callers × 3 targets + the positive control for echo-restricted");
        PathInstance blocked = cell(cells, "netpaths-other/echo-restricted");
        assertTrue(blocked.label().endsWith(" X"));
        assertEquals(Expect.Outcome.ANSWERED, blocked.expect().outcome());
        assertTrue(blocked.note().contains("flannel does not enforce NetworkPolicy"));
        assertTrue(cell(cells, "netpaths-other/echo").label().endsWith(" ."));
    }

    @Test
    void truthTableOnCalicoExpectsTheBlockedPairToTimeOut() {
        Map<String, PathInstance> cells = truthTable(new Topology.Cni("calico", true, "test"));
        PathInstance blocked = cell(cells, "netpaths-other/echo-restricted");
        assertEquals(Expect.Outcome.FAILS, blocked.expect().outcome());
        assertEquals(Set.of(ErrorKind.CONNECT_TIMEOUT), blocked.expect().errors(),
                "a read timeout means the connection was made: not blocked");
        assertEquals(Expect.Outcome.ANSWERED, cell(cells, "netpaths/echo").expect().outcome());
        assertNull(blocked.skip());
    }

    @Test
    void truthTableOnAnUnknownCniSkipsOnlyTheBlockedPairs() {
        Map<String, PathInstance> cells = truthTable(new Topology.Cni("unknown", null, "no known CNI DaemonSet"));
        assertTrue(cell(cells, "netpaths-other/echo-restricted").skip().contains("cannot say whether NetworkPolicy"));
        assertNull(cell(cells, "netpaths-other/echo").skip());
    }

    @Test
    void policiesAllowNetpathsCallersIntoOtherEchoButNotIntoRestricted() {
        Topology t = Fixture.topology();
        Topology.Pod caller = t.readyPods("netpaths", "caller-service").get(0);
        Topology.Pod otherEcho = t.readyPods("netpaths-other", "echo-service").get(0);
        Topology.Pod restricted = t.readyPods("netpaths-other", "echo-restricted").get(0);
        Topology.Pod otherNamespaceSource = new Topology.Pod("default", "x", "n", "1.1.1.1", "h", Map.of(), true);
        assertTrue(Reachability.allowed(t, caller, otherEcho, 8080, "http"));
        assertFalse(Reachability.allowed(t, caller, restricted, 8080, "http"));
        assertFalse(Reachability.allowed(t, otherNamespaceSource, otherEcho, 8080, "http"));
        assertTrue(Reachability.allowed(t, caller, t.readyPods("netpaths", "echo-service").get(0), 8080, "http"),
                "no policy selects netpaths pods");
        Topology.Pod trusted = new Topology.Pod("netpaths-other", "t", "n", "1.1.1.2", "h",
                Map.of("netpaths.dev/trusted", "true"), true);
        assertTrue(Reachability.allowed(t, trusted, restricted, 8080, "http"));
        Topology.Pod trustedElsewhere = new Topology.Pod("netpaths", "t", "n", "1.1.1.3", "h",
                Map.of("netpaths.dev/trusted", "true"), true);
        assertFalse(Reachability.allowed(t, trustedElsewhere, restricted, 8080, "http"),
                "a podSelector peer without namespaceSelector selects the policy's own namespace only");
    }

    private static Map<String, PathInstance> truthTable(Topology.Cni cni) {
        return expand("networkPolicyTruthTable", Fixture.environment(Fixture.withCni(Fixture.topology(), cni)))
                .stream().collect(Collectors.toMap(PathInstance::label, p -> p));
    }

    private static PathInstance cell(Map<String, PathInstance> cells, String target) {
        return cells.values().stream().filter(p -> p.label().startsWith("netpaths-control-plane → " + target + " "))
                .findFirst().orElseThrow(() -> new AssertionError(target + " in " + cells.keySet()));
    }
}

package dev.netpaths.conformance.catalogue;

import static dev.netpaths.conformance.catalogue.Expect.ClientIp.PRESERVED;
import static dev.netpaths.conformance.catalogue.Expect.ClientIp.REWRITTEN;
import static dev.netpaths.conformance.catalogue.Target.NodeRelation.ANY_NODE;
import static dev.netpaths.conformance.catalogue.Target.NodeRelation.OTHER_NODE;
import static dev.netpaths.conformance.catalogue.Target.NodeRelation.SAME_NODE;

import dev.netpaths.wire.ErrorKind;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every path netpaths proves, as data: name, group, what it proves, when it skips, and the target with its
 * expectation. The entry-point cases come from {@link EntryRoute#TABLE}, one per route and API.
 */
public final class Catalogue {

    static final Backend ECHO_V1 = Backend.echo("netpaths", "v1");
    static final Backend OTHER_ECHO = Backend.echo("netpaths-other", null);
    static final String CALLER = "no ready caller-service pod";

    /**
     * Groups that change the cluster (the disruption group rolls echo): run only when named, never by a glob with a
     * wildcard (so {@code --case '*'} and a run without {@code --case} leave them out).
     */
    public static final String DISRUPTION = "disruption";
    public static final java.util.Set<String> OPT_IN_GROUPS = java.util.Set.of(DISRUPTION);

    public static final List<PathCase> CASES = Stream.concat(Stream.of(
            new PathCase("workloadsHaveEveryReplicaReadyBehindTheirServices", "workloads",
                    "every Deployment and DaemonSet in netpaths and netpaths-other has all its replicas Ready, each "
                            + "one a ready endpoint of the Services that select it",
                    "netpaths not deployed (no workload in its namespaces)", new Target.Workloads()),
            new PathCase("sidecarReachesItsSidecarOverLocalhost", "localhost",
                    "the sidecar-demo app reaches its sidecar on 127.0.0.1:9090: one pod, one network namespace",
                    "no ready sidecar-demo pod",
                    new Target.PodIp("netpaths", "sidecar-demo", ANY_NODE, 8080, "/roundtrip",
                            Expect.localhostRoundtrip())),
            new PathCase("sidecarPortIsUnreachableFromAnotherPod", "localhost",
                    "the sidecar listens on 127.0.0.1 only: another pod is refused on podIP:9090",
                    "no ready sidecar-demo pod",
                    new Target.PodIp("netpaths", "sidecar-demo", ANY_NODE, 9090, "/",
                            Expect.fails(ErrorKind.REFUSED))),
            new PathCase("sameNodePodToPodKeepsClientIp", "pod-to-pod",
                    "a pod reaches a pod on its own node by pod IP; served by exactly that pod, no NAT",
                    "no caller on an echo pod's node",
                    new Target.PodIp("netpaths", "echo-service", SAME_NODE, 8080, "/echo",
                            Expect.answeredBy(Backend.echo("netpaths", null)).clientIp(PRESERVED))),
            new PathCase("crossNodePodToPodKeepsClientIp", "pod-to-pod",
                    "a pod reaches a pod on another node by pod IP across the CNI's overlay/routes, no NAT",
                    "a single node",
                    new Target.PodIp("netpaths", "echo-service", OTHER_NODE, 8080, "/echo",
                            Expect.answeredBy(Backend.echo("netpaths", null)).clientIp(PRESERVED))),
            new PathCase("crossNamespacePodToPodKeepsClientIp", "pod-to-pod",
                    "a pod reaches a netpaths-other pod by pod IP (allowed by its NetworkPolicy), no NAT",
                    "no ready echo pod in netpaths-other",
                    new Target.PodIp("netpaths-other", "echo-service", ANY_NODE, 8080, "/echo",
                            Expect.answeredBy(OTHER_ECHO).clientIp(PRESERVED))),
            new PathCase("clusterIpSpreadsOverEndpointsAndKeepsClientIp", "service",
                    "http://echo:8080 (ClusterIP) spreads new connections over >= 2 v1 pods; the pod IP is kept",
                    "fewer than 2 ready endpoints",
                    new Target.CallerUrl("http://echo:8080/echo", Expect.answeredBy(ECHO_V1).clientIp(PRESERVED),
                            "netpaths/echo")),
            new PathCase("clientIpAffinityKeepsEachCallerOnOneEndpoint", "service",
                    "http://echo-sticky:8080 (sessionAffinity ClientIP, the same v1 pods as echo) sends every new "
                            + "connection of one caller to one pod, where echo spreads them",
                    "Service echo-sticky absent, or fewer than 2 ready endpoints",
                    new Target.Sticky("netpaths", "echo-sticky", Expect.sticky(ECHO_V1))),
            new PathCase("clusterIpAcrossNamespacesSpreadsOverEndpoints", "service",
                    "http://echo.netpaths-other:8080 spreads over >= 2 netpaths-other pods",
                    "fewer than 2 ready endpoints",
                    new Target.CallerUrl("http://echo.netpaths-other:8080/echo", Expect.answeredBy(OTHER_ECHO),
                            "netpaths-other/echo")),
            new PathCase("podReachesItselfThroughItsService", "service",
                    "hairpin: a pod reaches itself through the ClusterIP of a Service it backs",
                    "no Service with a ClusterIP selects the ready caller pods (the reference manifests define one, "
                            + "netpaths/caller)",
                    new Target.Hairpin()),
            new PathCase("shortNameResolvesToServiceClusterIp", "dns",
                    "'echo' resolves through the search path (as echo.netpaths.svc.cluster.local) to netpaths/echo's "
                            + "ClusterIP", CALLER,
                    new Target.Resolve("echo", "netpaths", "echo")),
            new PathCase("namespaceQualifiedNameResolvesToOtherNamespaceService", "dns",
                    "'echo.netpaths-other' resolves to netpaths-other/echo's ClusterIP", CALLER,
                    new Target.Resolve("echo.netpaths-other", "netpaths-other", "echo")),
            new PathCase("fullyQualifiedNameResolvesToServiceClusterIp", "dns",
                    "'echo.netpaths.svc.cluster.local' resolves to netpaths/echo's ClusterIP", CALLER,
                    new Target.Resolve("echo.netpaths.svc.cluster.local", "netpaths", "echo")),
            new PathCase("headlessServiceResolvesToReadyPodIps", "dns",
                    "'echo-headless' resolves to exactly the IPs of the Ready pods its selector matches (cross-checked "
                            + "with its EndpointSlices)", CALLER,
                    new Target.Resolve("echo-headless", "netpaths", "echo-headless")),
            new PathCase("externalNameServiceReachesOtherNamespacePods", "dns",
                    "ExternalName 'echo-other' (CNAME to echo.netpaths-other) is served by netpaths-other pods",
                    CALLER,
                    new Target.CallerUrl("http://echo-other:8080/echo", Expect.answeredBy(OTHER_ECHO), null)),
            new PathCase("unknownNameFailsWithDnsFailure", "dns",
                    "'does-not-exist' fails as DNS_FAILURE (DNS answered: no such name), not as DNS_TIMEOUT (DNS "
                            + "down), a connect timeout or a refusal", CALLER,
                    new Target.CallerUrl("http://does-not-exist:8080/echo", Expect.fails(ErrorKind.DNS_FAILURE),
                            null)),
            new PathCase("udpThroughClusterIpIsAnswered", "udp",
                    "udp://echo:5005 through the ClusterIP is answered by a v1 pod", CALLER,
                    new Target.CallerUrl("udp://echo:5005", Expect.answeredBy(ECHO_V1), null)),
            new PathCase("udpThroughNodePortIsAnsweredOnEveryNode", "udp",
                    "UDP NodePort 30081 answers on every node from outside the cluster",
                    "node IPs not routable from this host",
                    new Target.NodePorts("echo-nodeport", "UDP", 5005, "Cluster", Expect.answeredBy(ECHO_V1))),
            new PathCase("nodePortClusterPolicyRewritesClientIpOnEveryNode", "nodeport",
                    "NodePort 30080 (externalTrafficPolicy Cluster) answers on every node; the client IP is SNATed to "
                            + "the entry node (its InternalIP or an address of its pod CIDR)",
                    "node IPs not routable from this host",
                    new Target.NodePorts("echo-nodeport", "TCP", 8080, "Cluster", Expect.answeredBy(ECHO_V1).clientIp(REWRITTEN))),
            new PathCase("nodePortLocalPolicyKeepsClientIpOnlyWhereEndpointsRun", "nodeport",
                    "NodePort 30090 (Local) keeps the client IP and answers only on nodes with a local endpoint",
                    "node IPs not routable from this host",
                    new Target.NodePorts("echo-local", "TCP", 8080, "Local", Expect.answeredBy(ECHO_V1).clientIp(PRESERVED))),
            new PathCase("loadBalancerIpIsServedByEchoV1", "loadbalancer",
                    "echo-lb's LoadBalancer IP (MetalLB) is served by echo v1 pods from outside, with the client IP "
                            + "its externalTrafficPolicy implies (Cluster: SNATed to a node; Local: kept)",
                    "Service echo-lb absent, or its IP not routable from this host (no IP at all FAILS)",
                    new Target.LoadBalancer("echo-lb", false, Expect.answeredBy(ECHO_V1))),
            new PathCase("networkPolicyTruthTable", "networkpolicy",
                    "callers on every node × echo, other/echo, other/echo-restricted: reachability as the policies "
                            + "say (. or X); on a CNI that does not enforce policy the X pairs are reachable. Positive "
                            + "control: the trusted prober (netpaths-other/caller-trusted), the one source "
                            + "echo-restricted admits, is answered by it on every CNI",
                    "unknown CNI (for the X pairs)",
                    new Target.TruthTable(List.of("netpaths/echo", "netpaths-other/echo",
                            "netpaths-other/echo-restricted"))),
            new PathCase("networkPolicyEgressTruthTable", "networkpolicy",
                    "callers on every node × 8080/TCP and 5005/UDP into netpaths-other and 5005/UDP to echo: egress as "
                            + "netpaths/caller-egress says (. or X; the targets admit all three); on a CNI that does "
                            + "not enforce policy the X cells answer",
                    "unknown CNI (for the X cells)", new Target.EgressTable()),
            new PathCase("crossClusterCallerReachesPeerLoadBalancer", "cross-cluster",
                    "a caller in cluster A reaches cluster B's echo-lb: served by a pod whose cluster is B",
                    "no second cluster", new Target.PeerFromCaller(null)),
            new PathCase("crossClusterCallerReachesPeerIngress", "cross-cluster",
                    "a caller in cluster A reaches cluster B's Ingress (Host ingress.netpaths.test): served in B",
                    "no second cluster, or B has no Ingress address", new Target.PeerFromCaller(EntryApi.INGRESS)),
            new PathCase("hostReachesPeerLoadBalancer", "cross-cluster",
                    "the host reaches cluster B's echo-lb from outside: served by a pod whose cluster is B",
                    "no second cluster, or its LoadBalancer IP is not routable",
                    new Target.LoadBalancer("echo-lb", true, Expect.answeredBy(ECHO_V1)))),
            Stream.concat(entryCases(), Stream.of(
            new PathCase("rollingRestartLosesNoRequest", "disruption",
                    "while echo's Deployment rolls (kubectl rollout restart; the lab's rollout verb), constant load "
                            + "through the ClusterIP (from a caller), the NodePort, the LoadBalancer IP, the Ingress and "
                            + "the Gateway loses no request: readiness DOWN at SIGTERM and echo's 5 s drain. Opt-in: "
                            + "runs only when named (--case disruption or its name)",
                    "not named; per path: its Service, address or entry point absent, or not routable from this host",
                    new Target.Disruption(true)),
            new PathCase("rollingRestartWithoutDrainLosesRequests", "disruption",
                    "the control: the same load and rollout with echo rolled to QUARKUS_SHUTDOWN_DELAY=0s first (the "
                            + "pods stop at SIGTERM, before the data plane has moved on) loses requests, so the check "
                            + "above can fail; echo's drain is restored after. Opt-in, as above",
                    "not named; no path can be loaded",
                    new Target.Disruption(false))))).toList();


    private Catalogue() {}

    private static Stream<PathCase> entryCases() {
        List<PathCase> cases = new ArrayList<>();
        for (EntryApi api : EntryApi.values()) {
            for (EntryRoute route : EntryRoute.TABLE) {
                if (route.apis().contains(api)) {
                    cases.add(new PathCase(api.prefix + route.behaviour(), api.prefix, route.proves(api),
                            switch (api) {
                                case INGRESS -> "no Ingress address, or not routable from this host";
                                case GATEWAY -> "Gateway API CRDs absent, no Gateway address, or not routable";
                                case ISTIO -> "Istio not installed, no VirtualService, or not routable";
                            },
                            new Target.Entry(api, route)));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The cases whose name or group matches any glob (every case when there are none), except that a case of an
     * {@link #OPT_IN_GROUPS opt-in group} is selected only by a glob without wildcards that is its name or its group's.
     */
    public static List<PathCase> select(List<String> globs) {
        if (globs.isEmpty()) {
            return CASES.stream().filter(c -> !OPT_IN_GROUPS.contains(c.group())).toList();
        }
        List<PathMatcher> matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
        return CASES.stream().filter(c -> OPT_IN_GROUPS.contains(c.group())
                ? globs.stream().anyMatch(g -> g.equals(c.name()) || g.equals(c.group()))
                : matchers.stream().anyMatch(m -> m.matches(Path.of(c.name())) || m.matches(Path.of(c.group()))))
                .toList();
    }
}

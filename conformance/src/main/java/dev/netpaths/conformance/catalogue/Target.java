package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.wire.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a case addresses its target. Each shape resolves itself against the discovered clusters into concrete
 * paths, completing the case's expectation with what only discovery knows (the exact pod, the node, the peer's
 * name, the policies) or skipping with the true reason.
 */
public sealed interface Target {

    List<PathInstance> expand(PathCase c, Environment env);

    /**
     * Cluster B's answer is pinned to the echo pods discovery found in B (name and pod IP: two clusters may well
     * have pods of the same name), not only to a self-reported cluster name.
     */
    static Backend pinnedToPeer(Backend backend, Topology b) {
        return backend.cluster(b.cluster()).podsIn(b.readyPods(NS, "echo-service").stream()
                .map(p -> p.name() + "@" + p.ip()).toList());
    }

    /**
     * Why a NetworkPolicy table (ingress or egress) cannot run here: no caller to probe from (unavailable), or a
     * CNI whose declared policy enforcement disagrees with the harness's per-CNI table (broken); null when it can run.
     */
    private static List<PathInstance> policyTableCannotRun(PathCase c, Environment env, Topology t) {
        if (env.callers(t).isEmpty()) {
            return List.of(env.unavailable(c, NS, CALLER_APP));
        }
        if (t.cni().conflict() != null) {
            return List.of(PathInstance.broken(c, "", t.cni().conflict()));
        }
        return null;
    }

    /** Where the source caller must run relative to the target pod. */
    enum NodeRelation {
        SAME_NODE("on the same node as"), OTHER_NODE("on another node than"), ANY_NODE("next to");

        final String phrase;

        NodeRelation(String phrase) {
            this.phrase = phrase;
        }
    }

    String NS = "netpaths";
    String NO_CALLER = "no ready caller-service pod in namespace netpaths";
    String CALLER_APP = "caller-service";
    /** The cluster domain the reference clusters (kind, k3d, the lab) use. */
    String CLUSTER_DOMAIN = "svc.cluster.local";
    String NO_PEER = "no second cluster (give --peer-context, or a second cluster directory in --lab-state)";

    /** A caller opens connections to a pod's own IP: served by exactly that pod. */
    record PodIp(String namespace, String app, NodeRelation relation, int port, String path, Expect expect)
            implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            List<Topology.Pod> targets = env.cluster().readyPods(namespace, app);
            if (targets.isEmpty()) {
                return List.of(env.unavailable(c, namespace, app));
            }
            if (env.callers(env.cluster()).isEmpty()) {
                return List.of(env.unavailable(c, NS, CALLER_APP));
            }
            for (Topology.Pod target : targets) {
                Optional<Topology.Pod> caller = env.callers(env.cluster()).stream()
                        .filter(p -> switch (relation) {
                            case SAME_NODE -> p.node().equals(target.node());
                            case OTHER_NODE -> !p.node().equals(target.node());
                            case ANY_NODE -> true;
                        }).findFirst();
                if (caller.isPresent()) {
                    Expect e = expect.backend() == null
                            ? expect.outcome() == Expect.Outcome.LOCALHOST_ROUNDTRIP
                                    ? expect.backend(new Backend(null, null, null, null, target.name(), null)) : expect
                            : expect.backend(expect.backend().pod(target.name()));
                    int timeout = env.settings().timeoutFor(e);
                    // The label names nodes, never pods: it is the path's key across runs and clusters.
                    return List.of(new PathInstance(c, caller.get().node() + " → " + app + "@" + target.node()
                            + ":" + port, "node:" + caller.get().node(),
                            "node:" + target.node(), new Request.CallerHttp(caller.get(), new CallRequest("http://"
                            + target.ip() + ":" + port + path, env.settings().triesFor(e), timeout, Map.of())),
                            e, likelyCause(caller.get(), target, port, e), null, null));
                }
            }
            return List.of(PathInstance.skipped(c, "no caller-service pod " + relation.phrase + " any ready " + app + " pod ("
                    + env.cluster().nodes().size() + " node(s))"));
        }

        /**
         * What to look at when the path fails, from the hops it really crosses: the pod's own loopback (its
         * sidecar), the pod's wiring into its node (the caller is on the same node: no node boundary is crossed),
         * or the pod network between nodes.
         */
        static String likelyCause(Topology.Pod caller, Topology.Pod target, int port, Expect e) {
            String pod = "pod " + target.name() + " at " + target.ip() + ":" + port + " on " + target.node();
            if (!e.positive()) {
                // a port that must refuse other pods answered: it listens beyond the pod's loopback
                return "pod " + target.name() + " answered another pod on " + target.ip() + ":" + port
                        + ": its listener must bind 127.0.0.1 only (a sidecar bound to 0.0.0.0 is reachable by every pod)";
            }
            String hop = e.outcome() == Expect.Outcome.LOCALHOST_ROUNDTRIP
                    ? "is its app up, and its sidecar running in the same pod and listening on the pod's 127.0.0.1?"
                    : caller.node().equals(target.node())
                            ? "no node boundary is crossed (the caller is on the same node): is the pod wired into "
                                    + "its node (its veth on the CNI's bridge, or the CNI's route to it)?"
                            : "is the pod network routed between nodes (CNI)?";
            return pod + ": " + hop;
        }
    }

    /**
     * A caller calls a URL by name (Service, DNS, UDP). With {@code spreadOver} ("ns/service") the tries must
     * reach at least two of the Service's ready endpoints.
     */
    record CallerUrl(String url, Expect expect, String spreadOver) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Optional<Topology.Pod> caller = env.anyCaller();
            if (caller.isEmpty()) {
                return List.of(env.unavailable(c, NS, CALLER_APP));
            }
            Expect e = expect;
            int tries = env.settings().triesFor(e);
            if (spreadOver != null) {
                String[] ref = spreadOver.split("/");
                int endpoints = env.cluster().readyEndpoints(ref[0], ref[1]).size();
                int replicas = env.cluster().workload(ref[0], "echo-service").map(Topology.Workload::desired)
                        .orElse(0);
                if (endpoints < 2 && replicas >= 2) {
                    return List.of(PathInstance.broken(c, "", "only " + endpoints + " ready endpoint(s) behind "
                            + "Service " + spreadOver + " while its workload wants " + replicas + " replicas. Likely "
                            + "cause: echo pods not Ready, or the EndpointSlice controller lags"));
                }
                if (endpoints < 2) {
                    return List.of(PathInstance.skipped(c, "only " + endpoints + " ready endpoint(s) behind Service "
                            + spreadOver + " (the workload wants " + replicas + "): spreading needs 2"));
                }
                e = e.distinct(2);
                tries = env.settings().spreadTries();
            }
            // Through a Service name the caller must have resolved the name to the Service's ClusterIP (for an
            // ExternalName, to the ClusterIP of the Service its CNAME names).
            Optional<String> clusterIp = clusterIp(env.cluster(), host(url));
            if (clusterIp.isPresent() && e.positive()) {
                e = e.addresses(List.of(clusterIp.get()));
            }
            int timeout = env.settings().timeoutFor(e);
            return List.of(new PathInstance(c, "", "node:" + caller.get().node(), "service:" + host(url),
                    new Request.CallerHttp(caller.get(), new CallRequest(url, tries, timeout, Map.of())), e,
                    "from " + caller.get().name() + ": is kube-proxy (or its replacement) programming Services, "
                            + "and is cluster DNS answering?", null, null));
        }

        private static String host(String url) {
            String rest = url.substring(url.indexOf("://") + 3);
            return rest.substring(0, rest.indexOf(':'));
        }

        /** The ClusterIP a Service name (short, name.namespace, or FQDN) leads to, following one ExternalName. */
        static Optional<String> clusterIp(Topology t, String name) {
            String[] parts = name.replace("." + CLUSTER_DOMAIN, "").split("\\.");
            Optional<Topology.Service> svc = t.service(parts.length > 1 ? parts[1] : NS, parts[0]);
            if (svc.isPresent() && svc.get().externalName() != null && !name.equals(svc.get().externalName())) {
                return clusterIp(t, svc.get().externalName());
            }
            return svc.map(Topology.Service::clusterIp).filter(ip -> !ip.isEmpty() && !"None".equals(ip));
        }
    }

    /** A caller resolves a name: exactly the Service's ClusterIP, or for a headless Service its ready pod IPs. */
    record Resolve(String name, String namespace, String service) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Optional<Topology.Pod> caller = env.anyCaller();
            Optional<Topology.Service> svc = env.cluster().service(namespace, service);
            if (caller.isEmpty()) {
                return List.of(env.unavailable(c, NS, CALLER_APP));
            }
            if (svc.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service " + namespace + "/" + service + " absent"));
            }
            List<String> addresses = List.of(svc.get().clusterIp());
            if ("None".equals(svc.get().clusterIp())) {
                // Headless: the Ready pods the selector matches, cross-checked with the EndpointSlices CoreDNS
                // serves (a stale slice must not define the expectation).
                Topology t = env.cluster();
                addresses = t.pods().stream().filter(p -> p.ready() && p.namespace().equals(namespace)
                        && !svc.get().selector().isEmpty() && Reachability.matches(svc.get().selector(), p.labels()))
                        .map(Topology.Pod::ip).sorted().toList();
                List<String> sliced = t.readyEndpoints(namespace, service).stream().map(Topology.Endpoint::ip)
                        .sorted().toList();
                if (!new java.util.TreeSet<>(addresses).equals(new java.util.TreeSet<>(sliced))) {
                    return List.of(PathInstance.broken(c, name, "the Ready pods of Service " + namespace + "/"
                            + service + " are " + addresses + " but its EndpointSlices list " + sliced
                            + ". Likely cause: the EndpointSlice controller lags or a pod's readiness flaps"));
                }
            }
            String fqdn = service + "." + namespace + "." + CLUSTER_DOMAIN;
            return List.of(new PathInstance(c, name, "node:" + caller.get().node(), "dns",
                    new Request.CallerResolve(caller.get(), name),
                    Expect.resolves().addresses(addresses).matchedName(fqdn),
                    "cluster DNS (CoreDNS) from " + caller.get().name() + ": search path and Service records", null,
                    null));
        }
    }

    /** The harness host reaches a NodePort on EVERY node; with externalTrafficPolicy Local only some answer. */
    record NodePorts(String service, String protocol, int port, String trafficPolicy, Expect expect)
            implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Optional<Topology.Service> svc = env.cluster().service(NS, service);
            Optional<Integer> nodePort = svc.flatMap(s -> s.port(protocol, port)).map(Topology.Port::nodePort);
            if (nodePort.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service netpaths/" + service + " has no " + protocol
                        + " nodePort for port " + port));
            }
            // A case named for a setting checks the object has it: otherwise it would judge another behaviour.
            String actual = Objects.requireNonNullElse(svc.get().externalTrafficPolicy(), "Cluster");
            if (!actual.equals(trafficPolicy)) {
                return List.of(PathInstance.broken(c, "", "Service netpaths/" + service
                        + " has spec.externalTrafficPolicy " + actual + ", the case is named for " + trafficPolicy
                        + ". Likely cause: the Service was changed from the reference manifests"));
            }
            boolean local = "Local".equals(actual);
            List<PathInstance> paths = new ArrayList<>();
            for (Topology.Node node : env.cluster().nodes()) {
                boolean hasEndpoint = env.cluster().readyEndpoints(NS, service).stream()
                        .anyMatch(e -> node.name().equals(e.node()));
                Expect e = !local ? expect : hasEndpoint ? expect.backend(expect.backend().node(node.name()))
                        : Expect.noAnswer();
                if (e.clientIp() == Expect.ClientIp.REWRITTEN) {
                    e = e.rewrittenTo(node.snatSources());
                }
                int timeout = env.settings().timeoutFor(e);
                Request request = protocol.equals("UDP")
                        ? new Request.HostUdp(node.internalIp(), nodePort.get(), env.settings().triesFor(e), timeout)
                        : new Request.HostHttp(node.internalIp(), nodePort.get(), "/echo", null, Map.of(),
                                env.settings().triesFor(e), timeout);
                Optional<String> unroutable = env.host().whyUnroutable(node.internalIp(), nodePort.get());
                String where = "NodePort " + nodePort.get() + "/" + protocol + " on node " + node.name() + " ("
                        + node.internalIp() + ")";
                paths.add(new PathInstance(c, node.name(), "host", "node:" + node.name(), request, e,
                        e.positive() ? where + " unreachable: is the port mapped / kube-proxy running?"
                                : where + " answered without a local endpoint: is externalTrafficPolicy Local "
                                        + "honoured (kube-proxy or its replacement)?",
                        local && !hasEndpoint ? "no local endpoint on " + node.name()
                                + ": externalTrafficPolicy Local drops the traffic (no answer is the expected result)"
                                : null,
                        unroutable.orElse(null)).withNoEndpoint(env.noEndpoint(NS, service)));
            }
            return paths;
        }
    }

    /** The harness host reaches a LoadBalancer IP of cluster A or of the peer cluster. */
    record LoadBalancer(String service, boolean peer, Expect expect) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            if (peer && env.peer().isEmpty()) {
                return List.of(PathInstance.skipped(c, NO_PEER));
            }
            Topology t = peer ? env.peer().get() : env.cluster();
            Optional<Topology.Service> svc = t.service(NS, service);
            Optional<String> ip = svc.flatMap(s -> s.loadBalancerIps().stream().findFirst());
            if (svc.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service netpaths/" + service + " absent in cluster "
                        + t.cluster()));
            }
            if (ip.isEmpty()) {
                return List.of(PathInstance.broken(c, "", "Service netpaths/" + service + " in cluster "
                        + t.cluster() + " has no LoadBalancer IP within the convergence window. Likely cause: "
                        + "MetalLB is not running, or its pool / L2Advertisement is missing"));
            }
            Expect e = peer ? expect.backend(pinnedToPeer(expect.backend(), t)) : expect;
            // The client IP the Service's policy implies: Local keeps it; Cluster SNATs to a node (whichever
            // node the address is announced from, so any node's address or pod CIDR).
            e = "Local".equals(svc.get().externalTrafficPolicy()) ? e.clientIp(Expect.ClientIp.PRESERVED)
                    : e.rewrittenTo(t.nodes().stream().flatMap(n -> n.snatSources().stream()).toList());
            return List.of(new PathInstance(c, peer ? "cluster " + t.cluster() : service, "host",
                    peer ? "peer" : "entry:loadbalancer",
                    new Request.HostHttp(ip.get(), 80, "/echo", null, Map.of(), env.settings().triesFor(e),
                            env.settings().timeoutMs()), e,
                    "LoadBalancer " + ip.get() + ":80: is MetalLB announcing it (L2Advertisement netpaths-l2)?",
                    null, env.host().whyUnroutable(ip.get(), 80).orElse(null))
                    .withNoEndpoint(peer ? null : env.noEndpoint(NS, service)));
        }
    }

    /** The harness host reaches an entry point by hostname; one route-table row for one API. */
    record Entry(EntryApi api, EntryRoute route) implements Target {
        static final String DENIED_BACKEND = "netpaths-other/echo-restricted";
        /** The HTTPRoute of the entry-point table (gateway-config/gateway-api/httproute-echo.yaml). */
        static final String GATEWAY_ROUTE = "echo";
        /** A rate-limit case never sends more than this (a limit above 100 would need more tries than a case should). */
        static final int MAX_RATE_LIMIT_TRIES = 201;

        /** Whether a policy on these path values (PathPrefix or Exact) covers requests to {@code path}. */
        static boolean covers(List<String> paths, String path) {
            return paths.stream().anyMatch(p -> path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/"));
        }

        public List<PathInstance> expand(PathCase c, Environment env) {
            EntryApi.Address address = api.address(env.cluster());
            if (address.ip() == null) {
                return List.of(address.broken() ? PathInstance.broken(c, "", address.missing())
                        : PathInstance.skipped(c, address.missing()));
            }
            String routeStatus = null;
            if (api == EntryApi.GATEWAY && route.expect().outcome() == Expect.Outcome.STATUS_NOT_FROM_ECHO
                    && route.expect().status() == 500) {
                // The missing ReferenceGrant shows in the route's status where the implementation reports it.
                for (Topology.HttpRoute r : env.cluster().gatewayApi().routes()) {
                    if (r.backends().contains(DENIED_BACKEND) && !r.resolvedRefs().isEmpty()) {
                        if (!r.resolvedRefs().contains("False/RefNotPermitted")) {
                            return List.of(PathInstance.broken(c, "", "HTTPRoute " + r.namespace() + "/" + r.name()
                                    + " reports ResolvedRefs " + r.resolvedRefs() + " with a backendRef to "
                                    + DENIED_BACKEND + ", expected False/RefNotPermitted. Likely cause: a "
                                    + "ReferenceGrant admits it, or the controller ignores ReferenceGrants"));
                        }
                        routeStatus = "HTTPRoute " + r.namespace() + "/" + r.name()
                                + " reports ResolvedRefs False/RefNotPermitted";
                    }
                }
            }
            Expect e = route.expect().outcome() == Expect.Outcome.ANSWERED
                    ? route.expect().forwardedFor(api.addsForwardedFor) : route.expect();
            int tries = e.outcome() == Expect.Outcome.SPLIT ? env.settings().splitTries() : env.settings().triesFor(e);
            Map<String, String> headers = route.headers();
            String routeKey = NS + "/" + GATEWAY_ROUTE;
            switch (route.policy()) {
                case NONE -> { }
                case API_KEY -> {
                    Optional<Topology.ApiKeyPolicy> policy = env.cluster().gatewayApi().apiKeyPolicies().stream()
                            .filter(p -> p.route().equals(routeKey) && covers(p.paths(), route.path())).findFirst();
                    if (policy.isEmpty() || policy.get().header() == null || policy.get().keys().isEmpty()) {
                        return List.of(PathInstance.broken(c, "", policy.map(p -> "SecurityPolicy " + p.namespace() + "/"
                                + p.name() + " has " + (p.header() == null ? "no header to send a key in" : "no key the "
                                + "harness can read (its Secret is missing, empty or not readable)"))
                                .orElse("no SecurityPolicy with apiKeyAuth covers " + route.path() + " of HTTPRoute "
                                        + routeKey + " (kubectl apply -f gateway-config/gateway-api/)")));
                    }
                    headers = Map.of(policy.get().header(), policy.get().keys().get(0));
                }
                case RATE_LIMIT -> {
                    Optional<Topology.RateLimitPolicy> policy = env.cluster().gatewayApi().rateLimitPolicies().stream()
                            .filter(p -> p.route().equals(routeKey) && covers(p.paths(), route.path())).findFirst();
                    if (policy.isEmpty()) {
                        return List.of(PathInstance.broken(c, "", "no BackendTrafficPolicy with a local rate limit covers "
                                + route.path() + " of HTTPRoute " + routeKey + " (kubectl apply -f gateway-config/gateway-api/)"));
                    }
                    // a token bucket refills at most once while the tries run: 2 x limit + 1 always go past it
                    tries = (int) Math.min(2 * policy.get().requests() + 1, MAX_RATE_LIMIT_TRIES);
                }
            }
            String host = route.hostOverride() != null ? route.hostOverride() : api.host;
            return List.of(new PathInstance(c, host + route.path(), "host", "entry:" + api.prefix,
                    new Request.HostHttp(address.ip(), address.port(), route.path(), host, headers, tries,
                            env.settings().timeoutMs()), e,
                    api.prefix + " entry point " + address.ip() + ":" + address.port() + " (Host " + host
                            + "): is the controller running and the route accepted?",
                    routeStatus, env.host().whyUnroutable(address.ip(), address.port()).orElse(null))
                    .withNoEndpoint(route.service() == null ? null
                            : env.noEndpoint(route.service().split("/")[0], route.service().split("/")[1])));
        }
    }

    /** A caller in cluster A reaches cluster B's LoadBalancer ({@code api} null) or an entry point by hostname. */
    record PeerFromCaller(EntryApi api) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            if (env.peer().isEmpty()) {
                return List.of(PathInstance.skipped(c, NO_PEER));
            }
            Topology b = env.peer().get();
            Optional<Topology.Pod> caller = env.anyCaller();
            EntryApi.Address address = api != null ? api.address(b) : b.service(NS, "echo-lb")
                    .flatMap(s -> s.loadBalancerIps().stream().findFirst()).map(EntryApi.Address::of)
                    .orElse(EntryApi.Address.brokenBecause("Service netpaths/echo-lb in cluster " + b.cluster()
                            + " has no LoadBalancer IP. Likely cause: MetalLB in cluster " + b.cluster()
                            + " is not running or has no pool"));
            if (caller.isEmpty()) {
                return List.of(env.unavailable(c, NS, CALLER_APP));
            }
            if (address.ip() == null) {
                return List.of(address.broken() ? PathInstance.broken(c, "", address.missing())
                        : PathInstance.skipped(c, address.missing()));
            }
            Map<String, String> headers = api == null ? Map.of() : Map.of("Host", api.host);
            String url = "http://" + address.ip() + ":" + address.port() + (api == null ? "/echo" : "/v1/echo");
            Expect e = Expect.answeredBy(pinnedToPeer(Backend.echo(NS, "v1"), b));
            return List.of(new PathInstance(c, caller.get().node() + " → cluster " + b.cluster(),
                    "node:" + caller.get().node(),
                    "peer", new Request.CallerHttp(caller.get(), new CallRequest(url, env.settings().triesFor(e),
                            env.settings().timeoutMs(), headers)),
                    e,
                    "cluster " + b.cluster() + " at " + address.ip() + " from a pod of " + env.cluster().cluster()
                            + ": do the clusters share a network and does the caller's allowlist include it?",
                    null, null));
        }
    }

    /**
     * A pod reaching itself through a Service it backs: only callers take commands, so the Service is one that
     * selects the callers ({@code caller}), and the caller's own {@code /whoami} says who served. With one caller
     * per node, {@link #TRIES} new connections miss the source pod with probability (1 - 1/nodes)^TRIES.
     */
    record Hairpin() implements Target {
        /** The accepted probability that no try lands on the source pod although the hairpin works. */
        static final double MISS = 1e-6;

        /** Tries so that (1 - 1/n)^tries <= {@link #MISS} for n endpoints (at least 3). */
        static int tries(int endpoints) {
            if (endpoints <= 1) {
                return 3;
            }
            return Math.max(3, (int) Math.ceil(Math.log(MISS) / Math.log(1 - 1.0 / endpoints)));
        }

        public List<PathInstance> expand(PathCase c, Environment env) {
            if (env.callers(env.cluster()).isEmpty()) {
                return List.of(env.unavailable(c, NS, CALLER_APP));
            }
            for (Topology.Pod caller : env.callers(env.cluster())) {
                Optional<Topology.Service> own = env.cluster().services().stream()
                        .filter(s -> !s.selector().isEmpty() && s.clusterIp() != null && !"None".equals(s.clusterIp())
                                && s.namespace().equals(caller.namespace())
                                && Reachability.matches(s.selector(), caller.labels()))
                        .findFirst();
                if (own.isPresent() && !own.get().ports().isEmpty()) {
                    String url = "http://" + own.get().clusterIp() + ":" + own.get().ports().get(0).port() + "/whoami";
                    Backend self = new Backend("caller-service", caller.namespace(), null, null, caller.name(), null);
                    int endpoints = Math.max(1, env.cluster().readyEndpoints(caller.namespace(), own.get().name())
                            .size());
                    return List.of(new PathInstance(c, caller.node() + " → Service " + own.get().name() + " → itself",
                            "node:" + caller.node(), "service:" + own.get().name(),
                            new Request.CallerHttp(caller, new CallRequest(url, tries(endpoints),
                                    env.settings().timeoutMs(), Map.of())), Expect.hairpin(self),
                            "hairpin: the bridge must send the packet back out the port it came in on (CNI"
                                    + " hairpinMode) and kube-proxy must masquerade it",
                            null, null));
                }
            }
            return List.of(PathInstance.skipped(c, "no Service with a ClusterIP selects the ready caller pods "
                    + "(app.kubernetes.io/name=caller-service): a hairpin needs a pod that backs the Service it calls, "
                    + "and only callers take commands"));
        }
    }

    /**
     * Every netpaths workload has all its replicas Ready and each Ready pod behind its Services' ready endpoints:
     * a crash-looping replica or a pod missing from the endpoints is installed-but-broken, never a skip.
     */
    record Workloads() implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Topology t = env.cluster();
            if (t.workloads().isEmpty()) {
                return List.of(PathInstance.skipped(c, "no Deployment or DaemonSet in " + Topology.NETPATHS_NAMESPACES
                        + " (netpaths is not deployed here)"));
            }
            List<PathInstance> paths = new ArrayList<>();
            for (Topology.Workload w : t.workloads()) {
                String label = w.kind() + " " + w.namespace() + "/" + w.name();
                long ready = t.readyPodsOf(w);
                List<String> problems = new ArrayList<>();
                if (ready < w.desired()) {
                    problems.add(Environment.readiness(t, w));
                }
                for (Topology.Service s : t.services()) {
                    if (!s.namespace().equals(w.namespace()) || s.selector().isEmpty()
                            || !Reachability.matches(s.selector(), w.templateLabels())) {
                        continue;
                    }
                    java.util.Set<String> endpoints = new java.util.HashSet<>(t.readyEndpoints(s.namespace(),
                            s.name()).stream().map(Topology.Endpoint::ip).toList());
                    long behind = t.podsOf(w).stream().filter(p -> p.ready() && endpoints.contains(p.ip())).count();
                    if (behind < w.desired()) {
                        problems.add("Service " + s.namespace() + "/" + s.name() + " has " + behind
                                + " ready endpoint(s) of " + w.name() + ", which wants " + w.desired());
                    }
                }
                paths.add(problems.isEmpty()
                        ? new PathInstance(c, label, "host", "check:workloads", null, null, null,
                                Environment.readiness(t, w), null, null)
                        : PathInstance.broken(c, label, String.join("; ", problems) + ". Likely cause: pods not "
                                + "Ready (crash-looping, failing readiness, unschedulable) or endpoints lagging: "
                                + "kubectl -n " + w.namespace() + " describe pods"));
            }
            return paths;
        }
    }

    /** Every caller (one per node) × the policy targets; expectations computed from the NetworkPolicies and CNI. */
    record TruthTable(List<String> targets) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Topology t = env.cluster();
            List<PathInstance> cannotRun = policyTableCannotRun(c, env, t);
            if (cannotRun != null) {
                return cannotRun;
            }
            List<String> missing = REFERENCE_POLICIES.stream().filter(ref -> t.networkPolicies().stream()
                    .noneMatch(p -> ref.equals(p.namespace() + "/" + p.name()))).toList();
            if (!missing.isEmpty()) {
                // Without them every cell is "." and the table would pass on any CNI: enforcement untested.
                return List.of(PathInstance.broken(c, "", "the reference NetworkPolicies " + missing + " are absent. "
                        + "Likely cause: k8s/components/network-policies was not applied (an overlay without it?)"));
            }
            List<PathInstance> paths = new ArrayList<>();
            for (Topology.Pod caller : env.callers(t)) {
                for (String ref : targets) {
                    String[] parts = ref.split("/");
                    String label = caller.node() + " → " + ref;
                    Optional<Topology.Pod> pod = t.service(parts[0], parts[1]).flatMap(s -> t.pods().stream()
                            .filter(p -> p.ready() && p.namespace().equals(parts[0])
                                    && !s.selector().isEmpty() && Reachability.matches(s.selector(), p.labels()))
                            .findFirst());
                    if (pod.isEmpty()) {
                        paths.add(new PathInstance(c, label, "node:" + caller.node(), "service:" + parts[1] + "."
                                + parts[0], null, null, null, null, "no Service " + ref + " with a ready pod"));
                        continue;
                    }
                    boolean allowed = Reachability.allowed(t, caller, pod.get(), 8080, "http");
                    paths.add(cell(c, env, caller, ref, label, allowed));
                }
            }
            for (String ref : targets) {
                positiveControl(c, env, ref).ifPresent(paths::add);
            }
            boolean anyBlocked = paths.stream().anyMatch(p -> p.expect() != null
                    && p.expect().outcome() == Expect.Outcome.FAILS);
            if (Boolean.TRUE.equals(t.cni().enforcesNetworkPolicy()) && !anyBlocked) {
                return List.of(PathInstance.broken(c, "", "CNI " + t.cni().name() + " enforces NetworkPolicy but no "
                        + "cell of the table is expected blocked, so enforcement would go untested. Likely cause: "
                        + "the reference policies were changed"));
            }
            return paths;
        }

        /** The trusted prober of the reference manifests: the one source echo-restricted's policy admits. */
        static final String TRUSTED_LABEL = "netpaths.dev/trusted";
        static final String TRUSTED_PROBER = "Deployment netpaths-other/caller-trusted (label " + TRUSTED_LABEL + "=true)";

        /**
         * A target the policies keep from every caller needs a positive control, or its blocked cells would pass on a
         * dead pod too: a cell from a commandable pod (app caller-service, in a netpaths namespace other than the
         * callers') that the policies admit, expected to be answered by the target's own pods on every CNI. Empty
         * when some caller is admitted (that caller's own cell is the control) or the target has no ready pod.
         */
        private static Optional<PathInstance> positiveControl(PathCase c, Environment env, String ref) {
            Topology t = env.cluster();
            String[] parts = ref.split("/");
            List<Topology.Pod> targetPods = t.service(parts[0], parts[1]).map(s -> t.pods().stream()
                    .filter(p -> p.ready() && p.namespace().equals(parts[0]) && !s.selector().isEmpty()
                            && Reachability.matches(s.selector(), p.labels())).toList()).orElse(List.of());
            if (targetPods.isEmpty() || env.callers(t).stream().anyMatch(caller -> targetPods.stream()
                    .allMatch(p -> Reachability.allowed(t, caller, p, 8080, "http")))) {
                return Optional.empty();
            }
            String label = "control → " + ref + " .";
            List<Topology.Pod> probers = t.pods().stream().filter(p -> CALLER_APP.equals(p.app())
                    && Topology.NETPATHS_NAMESPACES.contains(p.namespace()) && !p.namespace().equals(NS)).toList();
            List<Topology.Pod> admitted = probers.stream().filter(p -> p.ready() && targetPods.stream()
                    .allMatch(target -> Reachability.allowed(t, p, target, 8080, "http"))).toList();
            if (admitted.isEmpty()) {
                String seen = probers.isEmpty() ? "there is no caller-service pod outside namespace " + NS
                        : "the caller-service pods outside " + NS + " (" + probers.stream().map(p -> p.namespace() + "/"
                                + p.name() + (p.ready() ? "" : " not Ready")).toList() + ") are not admitted or not Ready";
                // A Ready prober that carries the trusted label and is still not admitted: the policies select no
                // source at all (a misspelt namespace or pod label in a `from`), not the prober, are what broke.
                boolean trustedAndReady = probers.stream().anyMatch(p -> p.ready()
                        && "true".equals(p.labels().get(TRUSTED_LABEL)));
                String cause = trustedAndReady
                        ? "the policies that select " + ref + " admit no caller and not the trusted prober either: a "
                                + "`from` that selects nothing (a misspelt namespace or pod label?) isolates it from "
                                + "every source"
                        : "the trusted prober " + TRUSTED_PROBER + " is not deployed, not Ready, or lost its label";
                return Optional.of(PathInstance.broken(c, label, "no positive control for " + ref + ": the policies keep "
                        + "every caller from it and " + seen + ", so its blocked cells would pass on a dead pod too. "
                        + "Likely cause: " + cause));
            }
            Topology.Pod prober = admitted.get(0);
            Expect e = Expect.answeredBy(new Backend(null, parts[0], null, null, null, null)
                    .podsIn(targetPods.stream().map(p -> p.name() + "@" + p.ip()).toList()));
            return Optional.of(new PathInstance(c, prober.namespace() + "@" + prober.node() + " → " + ref + " .",
                    "node:" + prober.node(), "service:" + parts[1] + "." + parts[0], new Request.CallerHttp(prober,
                            new CallRequest("http://" + parts[1] + "." + parts[0] + ":8080/echo", 2,
                                    env.settings().timeoutFor(e), Map.of())), e,
                    "positive control: " + prober.namespace() + "/" + prober.name() + ", a source the policies of " + ref
                            + " admit, got no answer from its pods, so the timeouts of its blocked cells prove nothing: "
                            + "is the pod alive, and does the CNI honour the allow rule (podSelector "
                            + "netpaths.dev/trusted=true)?",
                    "positive control: admitted by the policies (" + prober.namespace() + ", trusted), so answered on "
                            + "every CNI", null));
        }

        /** The policies k8s/components/network-policies defines; the table means nothing without them. */
        static final List<String> REFERENCE_POLICIES = List.of("netpaths-other/deny-all", "netpaths-other/echo",
                "netpaths-other/echo-restricted");

        private static PathInstance cell(PathCase c, Environment env, Topology.Pod caller, String ref, String label,
                                         boolean allowed) {
            String[] parts = ref.split("/");
            Boolean enforced = env.cluster().cni().enforcesNetworkPolicy();
            String cni = env.cluster().cni().name();
            Expect answered = Expect.answeredBy(new Backend(null, parts[0], null, null, null, null));
            // Blocked means the SYN was dropped: only a connect timeout. A read timeout means the connection was
            // made, i.e. the policy did not block it.
            Expect e = allowed || Boolean.FALSE.equals(enforced) ? answered : Expect.fails(ErrorKind.CONNECT_TIMEOUT);
            String note = allowed ? "policy: . (allowed)" : Boolean.FALSE.equals(enforced)
                    ? "policy: X (blocked), but " + cni + " does not enforce NetworkPolicy: reachable, as expected"
                    : "policy: X (blocked): the connect must time out; controls: a source the policies admit gets an "
                            + "answer from the target (its positive control cell), and this caller's allowed cells answer";
            String skip = !allowed && enforced == null ? "CNI " + cni + " (" + env.cluster().cni().detectedFrom()
                    + ") is unknown: cannot say whether NetworkPolicy is enforced" : null;
            int timeout = env.settings().timeoutFor(e);
            return new PathInstance(c, label + " " + (allowed ? "." : "X"), "node:" + caller.node(),
                    "service:" + parts[1] + "." + parts[0],
                    new Request.CallerHttp(caller, new CallRequest("http://" + parts[1] + "." + parts[0] + ":8080/echo",
                            2, timeout, Map.of())), e,
                    allowed ? "an allowed pair is blocked: check the allow rules and namespace labels"
                            : "a blocked pair answered on a CNI that enforces policy (" + cni + ")", note, skip);
        }
    }
    /**
     * A caller opens new connections to a Service with {@code sessionAffinity: ClientIP}: every one must reach the
     * same endpoint, while the Service has at least two ready endpoints (Service {@code echo} over the same pods
     * spreads them: clusterIpSpreadsOverEndpointsAndKeepsClientIp). With 2 endpoints and no affinity all the tries
     * landing on one pod has a chance of 2^(1-tries).
     */
    record Sticky(String namespace, String service, Expect expect) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Optional<Topology.Pod> caller = env.anyCaller();
            if (caller.isEmpty()) {
                return List.of(env.unavailable(c, NS, CALLER_APP));
            }
            Topology t = env.cluster();
            Optional<Topology.Service> svc = t.service(namespace, service);
            if (svc.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service " + namespace + "/" + service + " absent"));
            }
            if (!"ClientIP".equals(svc.get().sessionAffinity())) {
                // A case named for a setting checks the object has it: otherwise it would judge another behaviour.
                return List.of(PathInstance.broken(c, "", "Service " + namespace + "/" + service
                        + " has spec.sessionAffinity " + svc.get().sessionAffinity() + ", the case is named for "
                        + "ClientIP. Likely cause: the Service was changed from the reference manifests"));
            }
            int endpoints = t.readyEndpoints(namespace, service).size();
            if (endpoints < 2) {
                return List.of(PathInstance.skipped(c, "only " + endpoints + " ready endpoint(s) behind Service "
                        + namespace + "/" + service + ": stickiness means something only where there is a choice"));
            }
            Optional<Topology.Port> port = svc.get().port("TCP", 8080);
            if (port.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service " + namespace + "/" + service + " has no 8080/TCP port"));
            }
            String url = "http://" + service + (namespace.equals(NS) ? "" : "." + namespace) + ":8080/echo";
            Expect e = svc.get().clusterIp() == null || svc.get().clusterIp().isEmpty() ? expect
                    : expect.addresses(List.of(svc.get().clusterIp()));
            return List.of(new PathInstance(c, caller.get().node() + " → " + service, "node:" + caller.get().node(),
                    "service:" + service, new Request.CallerHttp(caller.get(), new CallRequest(url,
                            env.settings().triesFor(e), env.settings().timeoutFor(e), Map.of())), e,
                    "from " + caller.get().name() + ": does kube-proxy (or its replacement) keep a client on the "
                            + "endpoint it first reached (sessionAffinity ClientIP)?", null, null));
        }
    }
    /**
     * NetworkPolicy egress: every caller (one per node) × cells that only the callers' egress policy decides (the
     * targets' ingress policies admit them all): 8080/TCP into netpaths-other (allowed), 5005/UDP into
     * netpaths-other (blocked by the reference policy k8s/components/network-policies/caller-egress.yaml), and
     * 5005/UDP to echo in netpaths (allowed: the control for the UDP cell). Expectations from the policies and
     * the CNI, as {@link TruthTable}'s.
     */
    record EgressTable() implements Target {
        /** The reference egress policy; without it no cell is blocked and enforcement would go untested. */
        static final String REFERENCE_POLICY = "netpaths/caller-egress";

        /** One cell: target namespace, echo app, protocol, port, port name, URL. */
        record Cell(String namespace, String app, String protocol, int port, String portName, String url) {}

        static final List<Cell> CELLS = List.of(
                new Cell("netpaths-other", "echo-service", "TCP", 8080, "http", "http://echo.netpaths-other:8080/echo"),
                new Cell("netpaths-other", "echo-service", "UDP", 5005, "udp", "udp://echo.netpaths-other:5005"),
                new Cell(NS, "echo-service", "UDP", 5005, "udp", "udp://echo:5005"));

        public List<PathInstance> expand(PathCase c, Environment env) {
            Topology t = env.cluster();
            List<PathInstance> cannotRun = policyTableCannotRun(c, env, t);
            if (cannotRun != null) {
                return cannotRun;
            }
            if (t.networkPolicies().stream().noneMatch(p -> REFERENCE_POLICY.equals(p.namespace() + "/" + p.name()))) {
                return List.of(PathInstance.broken(c, "", "the reference egress policy " + REFERENCE_POLICY + " is absent. "
                        + "Likely cause: k8s/components/network-policies was not applied (an overlay without it?)"));
            }
            Boolean enforced = t.cni().enforcesNetworkPolicy();
            String cni = t.cni().name();
            List<PathInstance> paths = new ArrayList<>();
            for (Topology.Pod caller : env.callers(t)) {
                for (Cell cell : CELLS) {
                    String to = cell.protocol().toLowerCase(java.util.Locale.ROOT) + " " + cell.port() + " → "
                            + cell.namespace() + "/echo";
                    String label = caller.node() + " → " + to;
                    List<Topology.Pod> targets = t.readyPods(cell.namespace(), cell.app());
                    if (targets.isEmpty()) {
                        paths.add(env.unavailable(c, cell.namespace(), cell.app()));
                        continue;
                    }
                    // The target's ingress admits every cell (checked), so the caller's egress alone decides.
                    boolean ingress = targets.stream().allMatch(p -> Reachability.allowed(withoutEgress(t), caller, p,
                            cell.protocol(), cell.port(), cell.portName()));
                    boolean allowed = targets.stream().allMatch(p -> Reachability.allowed(t, caller, p, cell.protocol(),
                            cell.port(), cell.portName()));
                    if (!ingress) {
                        paths.add(PathInstance.broken(c, label, "the ingress policies of " + cell.namespace()
                                + " block " + to + ", so the cell would not test egress. Likely cause: the reference "
                                + "policies were changed"));
                        continue;
                    }
                    Expect answered = Expect.answeredBy(new Backend(null, cell.namespace(), null, null, null, null));
                    // Blocked: dropped, so no answer at all: a TCP connect or a UDP read times out.
                    Expect e = allowed || Boolean.FALSE.equals(enforced) ? answered
                            : Expect.fails(cell.protocol().equals("UDP") ? ErrorKind.READ_TIMEOUT : ErrorKind.CONNECT_TIMEOUT);
                    String note = allowed ? "egress: . (allowed)" : Boolean.FALSE.equals(enforced)
                            ? "egress: X (blocked by " + REFERENCE_POLICY + "), but " + cni + " does not enforce "
                                    + "NetworkPolicy: answered, as expected"
                            : "egress: X (blocked by " + REFERENCE_POLICY + ", admitted by the target's ingress): no "
                                    + "answer; control: this caller's allowed cells answer";
                    String skip = !allowed && enforced == null ? "CNI " + cni + " (" + t.cni().detectedFrom()
                            + ") is unknown: cannot say whether NetworkPolicy is enforced" : null;
                    paths.add(new PathInstance(c, label + " " + (allowed ? "." : "X"), "node:" + caller.node(),
                            "service:echo." + cell.namespace(), new Request.CallerHttp(caller, new CallRequest(cell.url(),
                                    env.settings().triesFor(e), env.settings().timeoutFor(e), Map.of())), e,
                            allowed ? "an egress the policy allows is blocked: check " + REFERENCE_POLICY
                                    : "an egress " + REFERENCE_POLICY + " blocks answered on a CNI that enforces policy ("
                                            + cni + ")", note, skip));
                }
            }
            boolean anyBlocked = paths.stream().anyMatch(p -> p.expect() != null
                    && p.expect().outcome() == Expect.Outcome.FAILS);
            if (Boolean.TRUE.equals(enforced) && !anyBlocked && paths.stream().allMatch(p -> p.fail() == null)) {
                return List.of(PathInstance.broken(c, "", "CNI " + cni + " enforces NetworkPolicy but no egress cell is "
                        + "expected blocked, so egress enforcement would go untested. Likely cause: "
                        + REFERENCE_POLICY + " was changed"));
            }
            return paths;
        }

        /** The topology without its egress rules: what the targets' ingress policies alone allow. */
        private static Topology withoutEgress(Topology t) {
            List<Topology.Policy> ingressOnly = t.networkPolicies().stream().map(p -> new Topology.Policy(p.namespace(),
                    p.name(), p.podSelector(), p.policyTypes().stream().filter(x -> !x.equals("Egress")).toList(),
                    p.ingress(), List.of())).toList();
            return new Topology(t.cluster(), t.platform(), t.cni(), t.nodes(), t.namespaces(), t.pods(), t.services(),
                    t.endpointSlices(), ingressOnly, t.ingresses(), t.gatewayApi(), t.istio(), t.workloads(),
                    t.apiServer());
        }
    }

    /**
     * The disruption group: constant load through the ClusterIP (from a caller), the NodePort (on the last node), the
     * LoadBalancer IP, the Ingress and the Gateway while Deployment netpaths/echo rolls (discovery/Rollout: kubectl
     * rollout restart, or the lab's CLI); every request and its outcome counted. {@code drain}: the reference
     * manifests, a row per path, none may lose a request. Without: the control, one row over every path, echo first
     * rolled to {@link DisruptionPlan#DRAIN_VARIABLE}{@code =0s}; it must lose requests (the check can fail).
     */
    record Disruption(boolean drain) implements Target {
        static final String DEPLOYMENT = "echo";
        /** A request through the caller: one try, bounded as the caller's own timeout. */
        static final int CALLER_TIMEOUT_MS = 2000;
        /** A request from the host: not answered within this, lost (READ_TIMEOUT). */
        static final int HOST_TIMEOUT_MS = 3000;

        /** One path of the load, or why it cannot be loaded here (skip: not installed; broken: installed, not working). */
        private record Row(String name, String from, String to, Request request, String skip, String broken) {}

        public List<PathInstance> expand(PathCase c, Environment env) {
            Topology t = env.cluster();
            boolean deployed = t.workloads().stream().anyMatch(w -> w.namespace().equals(NS)
                    && w.name().equals(DEPLOYMENT) && w.kind().equals("Deployment"));
            if (!deployed) {
                return List.of(PathInstance.skipped(c, "no Deployment " + NS + "/" + DEPLOYMENT
                        + " (netpaths is not deployed here)"));
            }
            List<Row> rows = new ArrayList<>();
            Optional<Topology.Pod> caller = env.anyCaller();
            rows.add(caller.map(p -> new Row("clusterip", "node:" + p.node(), "service:echo", new Request.CallerHttp(p,
                    new CallRequest("http://echo:8080/echo", 1, CALLER_TIMEOUT_MS, Map.of())), null, null))
                    .orElse(new Row("clusterip", "host", "service:echo", null, NO_CALLER, null)));
            Optional<Integer> nodePort = t.service(NS, "echo-nodeport").flatMap(s -> s.port("TCP", 8080))
                    .map(Topology.Port::nodePort);
            Topology.Node last = t.nodes().isEmpty() ? null : t.nodes().get(t.nodes().size() - 1);
            rows.add(nodePort.isEmpty() || last == null || last.internalIp() == null
                    ? new Row("nodeport", "host", "service:echo", null, "Service netpaths/echo-nodeport has no TCP "
                            + "nodePort for port 8080, or no node has an InternalIP", null)
                    : host("nodeport", "node:" + last.name(), last.internalIp(), nodePort.get(), "/echo", null, env));
            Optional<Topology.Service> lb = t.service(NS, "echo-lb");
            Optional<String> lbIp = lb.flatMap(s -> s.loadBalancerIps().stream().findFirst());
            rows.add(lb.isEmpty() ? new Row("loadbalancer", "host", "entry:loadbalancer", null,
                    "Service netpaths/echo-lb absent", null)
                    : lbIp.isEmpty() ? new Row("loadbalancer", "host", "entry:loadbalancer", null, null,
                            "Service netpaths/echo-lb has no LoadBalancer IP. Likely cause: MetalLB is not running, or "
                                    + "its pool / L2Advertisement is missing")
                    : host("loadbalancer", "entry:loadbalancer", lbIp.get(), 80, "/echo", null, env));
            for (EntryApi api : List.of(EntryApi.INGRESS, EntryApi.GATEWAY)) {
                EntryApi.Address a = api.address(t);
                rows.add(a.ip() == null ? new Row(api.prefix, "host", "entry:" + api.prefix, null,
                        a.broken() ? null : a.missing(), a.broken() ? a.missing() : null)
                        : host(api.prefix, "entry:" + api.prefix, a.ip(), a.port(), "/v1", api.host, env));
            }
            List<DisruptionPlan.LoadPath> loaded = rows.stream().filter(r -> r.request() != null && r.skip() == null)
                    .map(r -> new DisruptionPlan.LoadPath(r.name(), r.request())).toList();
            DisruptionPlan plan = new DisruptionPlan(NS, DEPLOYMENT, drain, loaded);
            String how = "rollout restart deployment/" + DEPLOYMENT + " under load, one request per path every "
                    + "100 ms, each a new connection";
            if (!drain) {
                if (loaded.isEmpty()) {
                    return List.of(PathInstance.skipped(c, "no path to load: " + rows.stream()
                            .map(r -> r.name() + ": " + (r.skip() != null ? r.skip() : r.broken())).toList()));
                }
                return List.of(new PathInstance(c, "every path", "host", "check:disruption",
                        new Request.Disruption(plan, null), Expect.requestsLost(),
                        "without the drain no request was lost: did echo's pods really get replaced under load, and "
                                + "does " + DisruptionPlan.DRAIN_VARIABLE + " reach echo's container?",
                        "the control: echo rolled to " + DisruptionPlan.DRAIN_VARIABLE + "=0s first (not measured), "
                                + "restored after; " + how, null));
            }
            List<PathInstance> paths = new ArrayList<>();
            for (Row r : rows) {
                if (r.broken() != null) {
                    paths.add(PathInstance.broken(c, r.name(), r.broken()));
                } else if (r.skip() != null) {
                    paths.add(new PathInstance(c, r.name(), r.from(), "skipped:" + c.group(), null, null, null, null,
                            r.skip()));
                } else {
                    paths.add(new PathInstance(c, r.name(), r.from(), r.to(), new Request.Disruption(plan, r.name()),
                            Expect.noRequestLost(), "requests through " + r.name() + " reached echo pods that were "
                                    + "stopping: does echo turn readiness DOWN at SIGTERM and keep serving through its "
                                    + "drain (quarkus.shutdown.delay 5 s; " + DisruptionPlan.DRAIN_VARIABLE
                                    + " overrides it), and do kube-proxy and the entry point drop a terminating "
                                    + "endpoint before the pod stops?", how, null));
                }
            }
            return paths;
        }

        private static Row host(String name, String to, String ip, int port, String path, String hostHeader,
                                Environment env) {
            return new Row(name, "host", to, new Request.HostHttp(ip, port, path, hostHeader, Map.of(), 1,
                    HOST_TIMEOUT_MS), env.host().whyUnroutable(ip, port).orElse(null), null);
        }
    }
}

package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.conformance.probe.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a case addresses its target. Each shape resolves itself against the discovered clusters into concrete
 * paths, completing the case's expectation with what only discovery knows (the exact pod, the node, the peer's
 * name, the policies) or skipping with the true reason.
 */
public sealed interface Target {

    List<PathInstance> expand(PathCase c, Environment env);

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
    String NO_PEER = "no second cluster (give --peer-context, or a second cluster directory in --lab-state)";

    /** A caller opens connections to a pod's own IP: served by exactly that pod. */
    record PodIp(String namespace, String app, NodeRelation relation, int port, String path, Expect expect)
            implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            List<Topology.Pod> targets = env.cluster().readyPods(namespace, app);
            if (targets.isEmpty()) {
                return List.of(PathInstance.skipped(c, "no ready " + app + " pod in namespace " + namespace));
            }
            for (Topology.Pod target : targets) {
                Optional<Topology.Pod> caller = env.callers(env.cluster()).stream()
                        .filter(p -> switch (relation) {
                            case SAME_NODE -> p.node().equals(target.node());
                            case OTHER_NODE -> !p.node().equals(target.node());
                            case ANY_NODE -> true;
                        }).findFirst();
                if (caller.isPresent()) {
                    Expect e = expect.backend() == null ? expect : expect.backend(expect.backend().pod(target.name()));
                    int timeout = env.settings().timeoutFor(e);
                    return List.of(new PathInstance(c, caller.get().name() + "@" + caller.get().node() + " → "
                            + target.name() + "@" + target.node(), "node:" + caller.get().node(),
                            "node:" + target.node(), new Request.CallerHttp(caller.get(), new CallRequest("http://"
                            + target.ip() + ":" + port + path, env.settings().triesFor(e), timeout, Map.of())),
                            e, "pod " + target.name() + " at " + target.ip() + ":" + port
                            + " on " + target.node() + ": is the pod network routed between nodes (CNI)?", null, null));
                }
            }
            return List.of(PathInstance.skipped(c, env.callers(env.cluster()).isEmpty() ? NO_CALLER
                    : "no caller-service pod " + relation.phrase + " any ready " + app + " pod ("
                    + env.cluster().nodes().size() + " node(s))"));
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
                return List.of(PathInstance.skipped(c, NO_CALLER));
            }
            Expect e = expect;
            int tries = env.settings().triesFor(e);
            if (spreadOver != null) {
                String[] ref = spreadOver.split("/");
                int endpoints = env.cluster().readyEndpoints(ref[0], ref[1]).size();
                if (endpoints < 2) {
                    return List.of(PathInstance.skipped(c, "only " + endpoints + " ready endpoint(s) behind Service "
                            + spreadOver + ": spreading needs 2"));
                }
                e = e.distinct(2);
                tries = env.settings().spreadTries();
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
    }

    /** A caller resolves a name: exactly the Service's ClusterIP, or for a headless Service its ready pod IPs. */
    record Resolve(String name, String namespace, String service) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Optional<Topology.Pod> caller = env.anyCaller();
            Optional<Topology.Service> svc = env.cluster().service(namespace, service);
            if (caller.isEmpty() || svc.isEmpty()) {
                return List.of(PathInstance.skipped(c, caller.isEmpty() ? NO_CALLER
                        : "Service " + namespace + "/" + service + " absent"));
            }
            List<String> addresses = "None".equals(svc.get().clusterIp())
                    ? env.cluster().readyEndpoints(namespace, service).stream().map(Topology.Endpoint::ip).toList()
                    : List.of(svc.get().clusterIp());
            return List.of(new PathInstance(c, name, "node:" + caller.get().node(), "dns",
                    new Request.CallerResolve(caller.get(), name), Expect.resolves().addresses(addresses),
                    "cluster DNS (CoreDNS) from " + caller.get().name() + ": search path and Service records", null,
                    null));
        }
    }

    /** The harness host reaches a NodePort on EVERY node; with externalTrafficPolicy Local only some answer. */
    record NodePorts(String service, String protocol, int port, Expect expect) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Optional<Topology.Service> svc = env.cluster().service(NS, service);
            Optional<Integer> nodePort = svc.flatMap(s -> s.port(protocol, port)).map(Topology.Port::nodePort);
            if (nodePort.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service netpaths/" + service + " has no " + protocol
                        + " nodePort for port " + port));
            }
            boolean local = "Local".equals(svc.get().externalTrafficPolicy());
            List<PathInstance> paths = new ArrayList<>();
            for (Topology.Node node : env.cluster().nodes()) {
                boolean hasEndpoint = env.cluster().readyEndpoints(NS, service).stream()
                        .anyMatch(e -> node.name().equals(e.node()));
                Expect e = !local ? expect : hasEndpoint ? expect.backend(expect.backend().node(node.name()))
                        : Expect.noAnswer();
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
                        unroutable.orElse(null)));
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
            Optional<String> ip = t.service(NS, service).flatMap(s -> s.loadBalancerIps().stream().findFirst());
            if (ip.isEmpty()) {
                return List.of(PathInstance.skipped(c, "Service netpaths/" + service + " in cluster " + t.cluster()
                        + " has no LoadBalancer IP (is MetalLB installed with a pool?)"));
            }
            Expect e = peer ? expect.backend(expect.backend().cluster(t.cluster())) : expect;
            return List.of(new PathInstance(c, ip.get(), "host", peer ? "peer" : "entry:loadbalancer",
                    new Request.HostHttp(ip.get(), 80, "/echo", null, Map.of(), env.settings().triesFor(e),
                            env.settings().timeoutMs()), e,
                    "LoadBalancer " + ip.get() + ":80: is MetalLB announcing it (L2Advertisement netpaths-l2)?",
                    null, env.host().whyUnroutable(ip.get(), 80).orElse(null)));
        }
    }

    /** The harness host reaches an entry point by hostname; one route-table row for one API. */
    record Entry(EntryApi api, EntryRoute route) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            EntryApi.Address address = api.address(env.cluster());
            if (address.ip() == null) {
                return List.of(PathInstance.skipped(c, address.missing()));
            }
            Expect e = route.expect().outcome() == Expect.Outcome.ANSWERED
                    ? route.expect().forwardedFor(api.addsForwardedFor) : route.expect();
            int tries = e.outcome() == Expect.Outcome.SPLIT ? env.settings().splitTries() : env.settings().triesFor(e);
            String host = route.hostOverride() != null ? route.hostOverride() : api.host;
            return List.of(new PathInstance(c, host + route.path(), "host", "entry:" + api.prefix,
                    new Request.HostHttp(address.ip(), address.port(), route.path(), host, route.headers(), tries,
                            env.settings().timeoutMs()), e,
                    api.prefix + " entry point " + address.ip() + ":" + address.port() + " (Host " + host
                            + "): is the controller running and the route accepted?",
                    null, env.host().whyUnroutable(address.ip(), address.port()).orElse(null)));
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
                    .orElse(EntryApi.Address.none("Service netpaths/echo-lb in cluster " + b.cluster()
                            + " has no LoadBalancer IP"));
            if (caller.isEmpty() || address.ip() == null) {
                return List.of(PathInstance.skipped(c, caller.isEmpty() ? NO_CALLER : address.missing()));
            }
            Map<String, String> headers = api == null ? Map.of() : Map.of("Host", api.host);
            String url = "http://" + address.ip() + ":" + address.port() + (api == null ? "/echo" : "/v1/echo");
            Expect e = Expect.answeredBy(Backend.echo(NS, "v1").cluster(b.cluster()));
            return List.of(new PathInstance(c, caller.get().name() + " → " + b.cluster(),
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
        static final int TRIES = 30;

        public List<PathInstance> expand(PathCase c, Environment env) {
            for (Topology.Pod caller : env.callers(env.cluster())) {
                Optional<Topology.Service> own = env.cluster().services().stream()
                        .filter(s -> !s.selector().isEmpty() && s.clusterIp() != null && !"None".equals(s.clusterIp())
                                && s.namespace().equals(caller.namespace())
                                && Reachability.matches(s.selector(), caller.labels()))
                        .findFirst();
                if (own.isPresent() && !own.get().ports().isEmpty()) {
                    String url = "http://" + own.get().clusterIp() + ":" + own.get().ports().get(0).port() + "/whoami";
                    Backend self = new Backend("caller-service", caller.namespace(), null, null, caller.name(), null);
                    return List.of(new PathInstance(c, caller.name() + " → Service " + own.get().name() + " → itself",
                            "node:" + caller.node(), "service:" + own.get().name(),
                            new Request.CallerHttp(caller, new CallRequest(url, TRIES, env.settings().timeoutMs(),
                                    Map.of())), Expect.hairpin(self),
                            "hairpin: the bridge must send the packet back out the port it came in on (CNI"
                                    + " hairpinMode) and kube-proxy must masquerade it",
                            null, null));
                }
            }
            return List.of(PathInstance.skipped(c, "no Service selects the caller pods (app.kubernetes.io/name="
                    + "caller-service): a hairpin needs a pod that backs the Service it calls, and only callers "
                    + "take commands"));
        }
    }

    /** Every caller (one per node) × the policy targets; expectations computed from the NetworkPolicies and CNI. */
    record TruthTable(List<String> targets) implements Target {
        public List<PathInstance> expand(PathCase c, Environment env) {
            Topology t = env.cluster();
            if (env.callers(t).isEmpty()) {
                return List.of(PathInstance.skipped(c, NO_CALLER));
            }
            List<PathInstance> paths = new ArrayList<>();
            for (Topology.Pod caller : env.callers(t)) {
                for (String ref : targets) {
                    String[] parts = ref.split("/");
                    String label = caller.name() + "@" + caller.node() + " → " + ref;
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
            return paths;
        }

        private static PathInstance cell(PathCase c, Environment env, Topology.Pod caller, String ref, String label,
                                         boolean allowed) {
            String[] parts = ref.split("/");
            Boolean enforced = env.cluster().cni().enforcesNetworkPolicy();
            String cni = env.cluster().cni().name();
            Expect answered = Expect.answeredBy(new Backend(null, parts[0], null, null, null, null));
            Expect e = allowed || Boolean.FALSE.equals(enforced) ? answered
                    : Expect.fails(ErrorKind.CONNECT_TIMEOUT, ErrorKind.READ_TIMEOUT);
            String note = allowed ? "policy: . (allowed)" : Boolean.FALSE.equals(enforced)
                    ? "policy: X (blocked), but " + cni + " does not enforce NetworkPolicy: reachable, as expected"
                    : "policy: X (blocked): must time out";
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
}

package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Expect;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.catalogue.Request;
import dev.netpaths.conformance.discovery.DataPlane;
import dev.netpaths.conformance.discovery.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the host cannot route to a node or a VIP (Docker Desktop on macOS/Windows keeps the cluster network inside
 * its VM, kind#3482), the host paths the cluster maps to the host are probed on the mapping instead, and labelled
 * "via the host port mapping". The mapping is the one the cluster was created with, as scripts/cluster/up.sh
 * recorded it in ConfigMap kube-system/netpaths-data-plane (from lib.sh HOST_PORT_MAPPINGS, the same list the
 * kind config and the k3d flags are generated from): HOST_PORT_ADDRESS (127.0.0.1), HOST_PORT_NODE (the node whose
 * ports are mapped), HOST_PORTS ("30080/TCP 30081/UDP ...") and HOST_PORTS_INGRESS (the ports the ingress
 * controller binds as hostPorts on that node).
 *
 * <p>A path goes through the mapping when its own address is unroutable from this host and the mapping covers it:
 * a NodePort on the mapped node, or the Ingress entry point on an ingress hostPort. Through the mapping a proxy
 * (docker-proxy, Docker Desktop's port forwarder, k3d's serverlb) accepts the connection and opens its own, so a
 * path whose expectation is "no answer" or "client IP preserved" cannot be judged there: it stays skipped, and its
 * reason says why.
 */
public final class HostPortMapping implements Environment.HostNetwork {

    /** The label every path probed through the mapping carries (report.json, report.html, the console). */
    public static final String LABEL = "via the host port mapping";

    private final Environment.HostNetwork host;
    private final String address;
    private final String node;
    private final List<String> ports;
    private final List<String> ingressPorts;
    private final String nodeIp;

    private HostPortMapping(Environment.HostNetwork host, String address, String node, String nodeIp,
                            List<String> ports, List<String> ingressPorts) {
        this.host = host;
        this.address = address;
        this.node = node;
        this.nodeIp = nodeIp;
        this.ports = ports;
        this.ingressPorts = ingressPorts;
    }

    /**
     * {@code host} with the cluster's recorded mapping, or {@code host} itself when the cluster records none (the
     * lab, a cluster made with HOST_PORTS=0 or not by make up).
     */
    public static Environment.HostNetwork of(Environment.HostNetwork host, DataPlane dataPlane, Topology cluster) {
        List<String> ports = dataPlane.list("HOST_PORTS");
        Optional<String> address = dataPlane.get("HOST_PORT_ADDRESS");
        Optional<String> node = dataPlane.get("HOST_PORT_NODE");
        if (ports.isEmpty() || address.isEmpty() || node.isEmpty()) {
            return host;
        }
        String nodeIp = cluster.node(node.get()).map(Topology.Node::internalIp).orElse(null);
        return new HostPortMapping(host, address.get(), node.get(), nodeIp, ports, dataPlane.list("HOST_PORTS_INGRESS"));
    }

    /**
     * Docker Desktop (scripts/cluster/conformance.sh passes --docker-desktop when {@code docker info} says so): no
     * node or VIP address is routable from the host, so none is tried (each try would wait out a connect timeout).
     */
    public static Environment.HostNetwork dockerDesktop() {
        return (ip, port) -> ip.startsWith("127.") ? Optional.empty() : Optional.of(ip + " is not routable from this "
                + "host: Docker Desktop keeps the cluster network inside its VM (kind#3482; --docker-desktop)");
    }

    @Override
    public Optional<String> whyUnroutable(String ip, int port) {
        return host.whyUnroutable(ip, port);
    }

    @Override
    public List<PathInstance> route(List<PathInstance> paths) {
        List<PathInstance> out = new ArrayList<>(paths.size());
        for (PathInstance p : paths) {
            out.add(route(p));
        }
        return out;
    }

    private PathInstance route(PathInstance p) {
        if (p.skip() == null || !"host".equals(p.from())) {
            return p;
        }
        String ip;
        int port;
        String protocol;
        if (p.request() instanceof Request.HostHttp http) {
            ip = http.ip();
            port = http.port();
            protocol = "TCP";
        } else if (p.request() instanceof Request.HostUdp udp) {
            ip = udp.ip();
            port = udp.port();
            protocol = "UDP";
        } else {
            return p;
        }
        if (host.whyUnroutable(ip, port).isEmpty()) {
            return p; // skipped for another reason than routing: not this class's business
        }
        String mapped = port + "/" + protocol;
        String what;
        if (ip.equals(nodeIp) && ports.contains(mapped)) {
            what = "node " + node + " (" + ip + ":" + port + ")";
        } else if ("entry:ingress".equals(p.to()) && ingressPorts.contains(mapped) && ports.contains(mapped)) {
            what = "the ingress controller's hostPort " + port + " on node " + node + " (the entry point's address "
                    + ip + " is not routable here)";
        } else {
            return p;
        }
        String via = LABEL + " " + address + ":" + port + " → " + what;
        Optional<String> unjudgeable = unjudgeable(p.expect());
        if (unjudgeable.isPresent()) {
            return new PathInstance(p.pathCase(), p.label(), p.from(), p.to(), p.request(), p.expect(), p.hint(),
                    p.note(), p.skip() + ". " + via + " exists, but " + unjudgeable.get(), p.fail());
        }
        Request request = p.request() instanceof Request.HostHttp http
                ? new Request.HostHttp(address, port, http.path(), http.hostHeader(), http.headers(), http.tries(),
                        http.timeoutMs())
                : new Request.HostUdp(address, port, ((Request.HostUdp) p.request()).tries(),
                        ((Request.HostUdp) p.request()).timeoutMs());
        return new PathInstance(p.pathCase(), p.label(), p.from(), p.to(), request, p.expect(),
                via + ": " + p.hint(), via + (p.note() == null ? "" : "; " + p.note()), null, p.fail());
    }

    /** Why a proxy in front of the path hides what the expectation is about, if it does. */
    static Optional<String> unjudgeable(Expect e) {
        if (e == null || !e.positive()) {
            return Optional.of("its proxy accepts the connection itself, so \"no answer\" cannot be observed through it");
        }
        if (e.clientIp() == Expect.ClientIp.PRESERVED) {
            return Optional.of("its proxy opens its own connection, so \"client IP preserved\" cannot be judged "
                    + "through it");
        }
        return Optional.empty();
    }
}

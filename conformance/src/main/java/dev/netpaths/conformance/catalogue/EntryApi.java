package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import java.util.List;
import java.util.Optional;

/**
 * The three ways into the cluster by hostname (docs/architecture.md, "Entry points"): port 80 for the ingress
 * controller and Istio's gateway (their Services'), the Gateway's HTTP listener port for the Gateway API.
 */
public enum EntryApi {
    INGRESS("ingress", "ingress.netpaths.test", true, "an Ingress cannot name another namespace's Service"),
    // gateway-api.sigs.k8s.io, ReferenceGrant: a backendRef into another namespace needs one there
    GATEWAY("gateway", "gateway.netpaths.test", false, "the ReferenceGrant in netpaths-other admits the HTTPRoute"),
    // istio.io, "Cross-namespace configuration sharing": Istio exports to all namespaces by default
    ISTIO("istio", "istio.netpaths.test", false,
            "a VirtualService may route to a host in any namespace, with no grant");

    /** The HTTP port of the ingress controller's and Istio's gateway Services. */
    public static final int PORT = 80;
    /** Controller Services the lab and the add-on scripts create, used when an Ingress has no status address. */
    static final List<String> INGRESS_CONTROLLER_NAMESPACES = List.of("ingress-nginx", "nginx-ingress");

    public final String prefix;
    public final String host;
    /** Whether the proxy is expected to add X-Forwarded-For (nginx does by default). */
    public final boolean addsForwardedFor;

    /** What lets a route of this API reach a Service in another namespace (said in the cross-namespace row). */
    public final String crossNamespace;

    EntryApi(String prefix, String host, boolean addsForwardedFor, String crossNamespace) {
        this.prefix = prefix;
        this.host = host;
        this.addsForwardedFor = addsForwardedFor;
        this.crossNamespace = crossNamespace;
    }

    /** The entry point's address, or why there is none (the true skip reason). */
    public Address address(Topology t) {
        return switch (this) {
            case INGRESS -> {
                Optional<Topology.Ingress> ingress = t.ingresses().stream()
                        .filter(i -> i.namespace().equals("netpaths") && i.hosts().contains(host)).findFirst();
                if (ingress.isEmpty()) {
                    yield Address.none("no Ingress for " + host
                            + " in namespace netpaths (make addons-ingress deploy)");
                }
                Optional<String> ip = ingress.get().addresses().stream().findFirst().or(() -> t.services().stream()
                        .filter(s -> INGRESS_CONTROLLER_NAMESPACES.contains(s.namespace())
                                && "LoadBalancer".equals(s.type()))
                        .flatMap(s -> s.loadBalancerIps().stream()).findFirst());
                yield ip.map(Address::of).orElse(Address.brokenBecause("Ingress netpaths/" + ingress.get().name()
                        + " has no status address and no ingress controller Service has a LoadBalancer IP. Likely "
                        + "cause: the ingress controller is not running, or MetalLB assigns it no IP"));
            }
            case GATEWAY -> {
                if (!t.gatewayApi().installed()) {
                    yield Address.none("Gateway API CRDs absent (no gateways.gateway.networking.k8s.io): "
                            + "make addons-gateway");
                }
                Optional<Topology.Gateway> gateway = t.gatewayApi().gateways().stream()
                        .filter(g -> g.namespace().equals("netpaths") && g.name().equals("netpaths-gateway"))
                        .findFirst();
                if (gateway.isEmpty()) {
                    yield Address.none("Gateway netpaths/netpaths-gateway absent (make addons-gateway deploys it)");
                }
                Optional<Topology.GatewayClass> gatewayClass = t.gatewayApi().classes().stream()
                        .filter(c -> c.name().equals(gateway.get().className())).findFirst();
                String accepted = gatewayClass.map(c -> c.conditions().get("Accepted")).orElse(null);
                if (accepted != null && !accepted.startsWith("True")) {
                    yield Address.brokenBecause("GatewayClass " + gateway.get().className() + " is not Accepted ("
                            + accepted + "). Likely cause: no controller claims it (is Envoy Gateway running?)");
                }
                String programmed = gateway.get().conditions().get("Programmed");
                if (programmed != null && !programmed.startsWith("True")) {
                    yield Address.brokenBecause("Gateway netpaths/netpaths-gateway is not Programmed (" + programmed
                            + "). Likely cause: the controller could not program its proxy or assign an address");
                }
                yield gateway.get().addresses().stream().findFirst().map(ip -> Address.of(ip, gateway.get().httpPort(host)))
                        .orElse(Address.brokenBecause("Gateway netpaths/netpaths-gateway has no status.addresses. "
                                + "Likely cause: Envoy Gateway is not running, or MetalLB assigns its Service no IP"));
            }
            case ISTIO -> {
                if (!t.istio().installed()) {
                    yield Address.none("Istio not installed (no Service istio-system/istio-ingressgateway)");
                }
                if (!t.istio().virtualServicePresent()) {
                    yield Address.none("Istio installed but no VirtualService exists (deploy gateway-config/istio)");
                }
                yield t.istio().ingressGatewayIps().stream().findFirst().map(Address::of)
                        .orElse(Address.brokenBecause("istio-system/istio-ingressgateway has no LoadBalancer IP. "
                                + "Likely cause: MetalLB is not running or has no free address in its pool"));
            }
        };
    }

    /**
     * An address, its HTTP port, or the reason there is none; {@code broken}: the entry point is installed but not
     * working (no address, not Accepted, not Programmed), which FAILS, unlike "not installed here", which skips.
     */
    public record Address(String ip, String missing, boolean broken, int port) {
        public Address(String ip, String missing, boolean broken) {
            this(ip, missing, broken, PORT);
        }

        static Address of(String ip) {
            return new Address(ip, null, false);
        }

        static Address of(String ip, int port) {
            return new Address(ip, null, false, port);
        }

        static Address none(String reason) {
            return new Address(null, reason, false);
        }

        static Address brokenBecause(String reason) {
            return new Address(null, reason, true);
        }
    }
}

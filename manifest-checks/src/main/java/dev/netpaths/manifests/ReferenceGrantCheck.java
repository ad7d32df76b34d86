package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every cross-namespace HTTPRoute backend is allowed by a ReferenceGrant in the backend's namespace
 * (from: HTTPRoute in the route's namespace; to: Service, all or this name), except the backends that
 * must stay denied, which no ReferenceGrant may cover and which a route must still reference.
 */
public final class ReferenceGrantCheck implements Check {

    /** docs/architecture.md: {@code /other-denied} → netpaths-other/echo-restricted, no ReferenceGrant, 500. */
    public static final Set<String> NETPATHS_DENIED = Set.of("netpaths-other/echo-restricted");

    private final Set<String> denied;

    public ReferenceGrantCheck(Set<String> denied) {
        this.denied = Set.copyOf(denied);
    }

    public static ReferenceGrantCheck netpaths() {
        return new ReferenceGrantCheck(NETPATHS_DENIED);
    }

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        Set<String> deniedSeen = new HashSet<>();
        for (Backend b : Routes.backends(manifests)) {
            if (!b.route().is("gateway.networking.k8s.io", "HTTPRoute") || b.namespace().equals(b.route().namespace())) {
                continue;
            }
            Optional<Manifest> grant = grantFor(manifests, b);
            if (denied.contains(b.target())) {
                deniedSeen.add(b.target());
                grant.ifPresent(g -> findings.add(b.route().finding(b.field(), "Service " + b.target()
                        + " must NOT be covered by a ReferenceGrant (docs/architecture.md: it shows the 500 of an"
                        + " ungranted cross-namespace backend), but " + g.describe() + " allows it")));
            } else if (grant.isEmpty()) {
                findings.add(b.route().finding(b.field(), "cross-namespace backend Service " + b.target()
                        + " has no ReferenceGrant in namespace " + b.namespace() + " allowing HTTPRoute from namespace "
                        + b.route().namespace() + " (the gateway would answer 500)"));
            }
        }
        for (String target : denied) {
            if (!deniedSeen.contains(target) && manifests.stream().anyMatch(m -> m.is("gateway.networking.k8s.io", "HTTPRoute"))) {
                findings.add("HTTPRoutes: no route references " + target
                        + ", the backend docs/architecture.md keeps without a ReferenceGrant (/other-denied)");
            }
        }
        return findings;
    }

    private static Optional<Manifest> grantFor(List<Manifest> manifests, Backend b) {
        for (Manifest g : manifests) {
            if (!g.is("gateway.networking.k8s.io", "ReferenceGrant") || !g.namespace().equals(b.namespace())) {
                continue;
            }
            boolean from = false;
            for (JsonNode f : g.spec().path("from")) {
                from |= f.path("group").asText().equals("gateway.networking.k8s.io")
                        && f.path("kind").asText().equals("HTTPRoute")
                        && f.path("namespace").asText().equals(b.route().namespace());
            }
            boolean to = false;
            for (JsonNode t : g.spec().path("to")) {
                to |= t.path("group").asText().isEmpty() && t.path("kind").asText().equals("Service")
                        && (!t.has("name") || t.get("name").asText().equals(b.service()));
            }
            if (from && to) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}

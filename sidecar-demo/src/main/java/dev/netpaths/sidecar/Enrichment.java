package dev.netpaths.sidecar;

/**
 * The sidecar's answer to {@code GET /enrich}: its own view of the pod, the TCP peer it saw (the app, over
 * loopback) and its stamp, which it also sends as the {@value SidecarRoutes#STAMP_HEADER} header.
 */
public record Enrichment(String pod, String podIp, String hostname, long pid, String peerSeen, int peerPort,
        String stamp) {

    static Enrichment of(ContainerView view, String peerSeen, int peerPort) {
        return new Enrichment(view.pod(), view.podIp(), view.hostname(), view.pid(), peerSeen, peerPort,
                "enriched-by " + view.hostname() + "/" + view.pid());
    }

    boolean sharesNamespacesWith(ContainerView other) {
        return hostname.equals(other.hostname()) && podIp.equals(other.podIp());
    }
}

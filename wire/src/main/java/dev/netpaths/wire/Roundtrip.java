package dev.netpaths.wire;

/**
 * sidecar-demo's {@code GET /roundtrip}: both sides of one new loopback connection from the app container to its
 * sidecar. {@code connection.local} (the app's end) equals {@code sidecar.peerSeen:sidecar.peerPort} when nothing
 * sits between the two containers.
 */
public record Roundtrip(boolean samePod, double latencyMs, String sidecarUrl, Connection connection,
                        ContainerView app, Enrichment sidecar) {

    public record Connection(String local, String remote) {}

    /**
     * One container's view of its pod. {@code hostname} and {@code podIp} are observed (kernel hostname,
     * interface address), not read from the Downward API, so equal values in both containers prove shared
     * namespaces.
     */
    public record ContainerView(String pod, String podIp, String hostname, long pid) {

        public static ContainerView observe() {
            String hostname = LocalHost.hostname();
            String podName = System.getenv("POD_NAME");
            return new ContainerView(podName == null || podName.isBlank() ? hostname : podName,
                    LocalHost.firstNonLoopbackIpv4(), hostname, ProcessHandle.current().pid());
        }
    }

    /**
     * The sidecar's answer to {@code GET /enrich}: its own view of the pod, the TCP peer it saw (the app, over
     * loopback) and its stamp, which it also sends as a header.
     */
    public record Enrichment(String pod, String podIp, String hostname, long pid, String peerSeen, int peerPort,
                             String stamp) {

        public static Enrichment of(ContainerView view, String peerSeen, int peerPort) {
            return new Enrichment(view.pod(), view.podIp(), view.hostname(), view.pid(), peerSeen, peerPort,
                    "enriched-by " + view.hostname() + "/" + view.pid());
        }

        public boolean sharesNamespacesWith(ContainerView other) {
            return hostname.equals(other.hostname()) && podIp.equals(other.podIp());
        }
    }
}

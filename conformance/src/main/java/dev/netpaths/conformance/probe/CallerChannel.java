package dev.netpaths.conformance.probe;

import dev.netpaths.conformance.discovery.Topology;

/**
 * How the harness reaches a caller pod's API: on a real cluster through the API server's pod proxy, in the lab
 * directly by pod IP (the lab routes the host namespace to pod IPs through the nodes).
 */
public interface CallerChannel {

    /** GETs {@code pathAndQuery} (e.g. {@code /call?url=...}) on the caller pod's port 8080 and returns the body. */
    String get(Topology.Pod caller, String pathAndQuery, java.time.Duration timeout) throws ProbeException;

    default Observation call(Topology.Pod caller, CallRequest request) throws ProbeException {
        return CallerJson.call(caller, get(caller, "/call?" + request.query(),
                java.time.Duration.ofMillis((long) request.tries() * request.timeoutMs() + 10_000)));
    }

    default Observation resolve(Topology.Pod caller, String name) throws ProbeException {
        return CallerJson.resolve(get(caller, "/resolve?name=" + CallRequest.encode(name),
                java.time.Duration.ofSeconds(15)));
    }
}

package dev.netpaths.sidecar;

import dev.netpaths.identity.LocalHost;

/**
 * One container's view of its pod. {@code hostname} and {@code podIp} are observed (kernel hostname, interface
 * address), not read from the Downward API, so equal values in both containers prove shared namespaces.
 */
public record ContainerView(String pod, String podIp, String hostname, long pid) {

    static ContainerView observe() {
        String hostname = LocalHost.hostname();
        String podName = System.getenv("POD_NAME");
        return new ContainerView(podName == null || podName.isBlank() ? hostname : podName,
                LocalHost.firstNonLoopbackIpv4(), hostname, ProcessHandle.current().pid());
    }
}

package dev.netpaths.wire;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who answered: the pod identity every netpaths service reports (echo-service's HTTP and UDP replies,
 * caller-service's {@code /whoami}). Kubernetes passes it through Downward API environment variables; outside a
 * cluster each field falls back to what this machine knows.
 */
public record Identity(String service, String version, String pod, String namespace, String node, String podIp,
        String hostIp, String cluster) {

    /**
     * This process's identity: {@link #fromEnvironment} over {@code System.getenv()} and {@link LocalHost}.
     *
     * @param serviceName the fallback service name (the artifact name)
     */
    public static Identity current(String serviceName) {
        return fromEnvironment(System.getenv(), serviceName, LocalHost::hostname, LocalHost::firstNonLoopbackIpv4);
    }

    /**
     * @param env the environment to read ({@code System.getenv()} in production)
     * @param serviceName the fallback service name (the artifact name)
     * @param hostname the fallback for the pod and node names
     * @param localIpv4 the fallback for the pod and host IPs (first non-loopback IPv4)
     */
    public static Identity fromEnvironment(Map<String, String> env, String serviceName, Supplier<String> hostname,
            Supplier<String> localIpv4) {
        return new Identity(
                read(env, "SERVICE_NAME").orElse(serviceName),
                read(env, "SERVICE_VERSION").orElse("v1"),
                read(env, "POD_NAME").orElseGet(hostname),
                read(env, "POD_NAMESPACE").orElse("default"),
                read(env, "NODE_NAME").orElseGet(hostname),
                read(env, "POD_IP").orElseGet(localIpv4),
                read(env, "HOST_IP").orElseGet(localIpv4),
                read(env, "CLUSTER_NAME").orElse("local"));
    }

    private static Optional<String> read(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }
}

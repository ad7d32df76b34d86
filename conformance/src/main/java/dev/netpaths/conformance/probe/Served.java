package dev.netpaths.conformance.probe;

/** Who answered, as echo-service reports itself. */
public record Served(String service, String version, String pod, String namespace, String node, String podIp,
                     String cluster) {}

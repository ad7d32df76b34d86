package dev.netpaths.wire;

/** echo-service's UDP reply (docs/architecture.md): who answered, and the datagram as it arrived. */
public record UdpReply(String service, String version, String pod, String namespace, String node, String podIp,
                       String hostIp, String cluster, String protocol, String clientIp, int clientPort,
                       String received) {

    public static UdpReply of(Identity who, String clientIp, int clientPort, String received) {
        return new UdpReply(who.service(), who.version(), who.pod(), who.namespace(), who.node(), who.podIp(),
                who.hostIp(), who.cluster(), "udp", clientIp, clientPort, received);
    }
}

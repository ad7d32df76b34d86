package dev.netpaths.echo;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.netpaths.identity.Identity;

/** The UDP echo payload (docs/architecture.md): who answered, and the datagram as it arrived. */
public record UdpReply(@JsonUnwrapped Identity identity, String protocol, String clientIp, int clientPort,
        String received) {
}

package dev.netpaths.echo;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.netpaths.identity.Identity;

/** The HTTP echo payload (docs/architecture.md): who answered, then what arrived. */
public record EchoReply(@JsonUnwrapped Identity identity, ReceivedRequest request) {
}

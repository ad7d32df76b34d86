package dev.netpaths.echo;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.netpaths.identity.Identity;

/**
 * The HTTP echo payload (docs/architecture.md) as a record: who answered, then what arrived. EchoJsonTest checks
 * that {@link EchoJson} writes exactly what Jackson writes for it.
 */
record EchoReply(@JsonUnwrapped Identity identity, ReceivedRequest request) {
}

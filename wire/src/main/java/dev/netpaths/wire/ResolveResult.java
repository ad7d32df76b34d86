package dev.netpaths.wire;

import java.util.List;

/**
 * caller-service's {@code /resolve} response: what a name resolves to from inside the pod and how. A name that
 * does not resolve is still an answer, with {@code error.kind} DNS_FAILURE or DNS_TIMEOUT.
 *
 * @param matchedName the candidate that answered (after search domains); null for an IP literal
 * @param source      {@code literal}, {@code hosts} or {@code dns}; null when nothing answered
 * @param candidates  the names queried, in order
 */
public record ResolveResult(String name, List<String> addresses, String matchedName, List<String> searchDomains,
                            int ndots, List<String> nameservers, String source, List<String> candidates,
                            double durationMs, ErrorInfo error) {}

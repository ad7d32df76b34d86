package dev.netpaths.caller;

import dev.netpaths.wire.ErrorInfo;
import java.net.InetAddress;
import java.util.List;

/**
 * What a name resolved to and how.
 *
 * @param matchedName the candidate that answered (after search domains); null for an IP literal
 * @param source      {@code literal}, {@code hosts} or {@code dns}; null when nothing answered
 * @param candidates  the names queried, in order
 */
record Resolution(String name, List<InetAddress> addresses, String matchedName, String source,
                  List<String> candidates, ResolvConf conf, List<String> nameservers, double durationMs,
                  ErrorInfo error) {
}

package dev.netpaths.echo;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as this pod received it. {@code clientIp}/{@code clientPort} are the TCP peer, never a header:
 * the point is to show which hop rewrote the source address.
 */
public record ReceivedRequest(String method, String path, String query, String host,
        Map<String, List<String>> headers, String body, long bodyBytes, boolean bodyTruncated, String clientIp,
        int clientPort, String xForwardedFor, String forwarded, String xRealIp) {
}

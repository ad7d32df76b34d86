package dev.netpaths.caller;

import dev.netpaths.wire.ErrorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one connection to a target showed; filled phase by phase, so a failure keeps what came before it. */
final class Exchange {
    Integer status;
    Double connectMs;
    Double tlsMs;
    Double firstByteMs;
    Double latencyMs;
    String remoteAddress;
    String localAddress;
    /** Lower-case names; values in arrival order. */
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    byte[] body;
    boolean truncated;
    ErrorInfo error;

    void addHeader(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    String firstHeader(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}

package dev.netpaths.conformance.probe;

import dev.netpaths.conformance.discovery.Topology;
import java.time.Duration;
import java.util.Map;

/** Lab mode: the caller pod is reached at {@code http://<podIP>:<port>} through the lab's routes via the nodes. */
public final class DirectCallerChannel implements CallerChannel {

    private final int port;

    public DirectCallerChannel(int port) {
        this.port = port;
    }

    @Override
    public String get(Topology.Pod caller, String pathAndQuery, Duration timeout) throws ProbeException {
        HttpOnce.Response response = HttpOnce.get(caller.ip(), port, pathAndQuery, null, Map.of(), timeout);
        if (response.status() >= 400) {
            throw new ProbeException(ErrorKind.HTTP_STATUS, "caller " + caller.name() + " at " + caller.ip() + ":"
                    + port + " answered " + response.status() + ": " + EchoJson.cap(response.body()));
        }
        return response.body();
    }
}

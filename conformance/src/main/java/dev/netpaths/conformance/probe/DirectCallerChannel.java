package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.OneShotHttp;
import java.net.InetSocketAddress;
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
        OneShotHttp.Result response = OneShotHttp.exchange(new InetSocketAddress(caller.ip(), port),
                HostProbe.request(caller.ip(), port, pathAndQuery, null, Map.of()), null, timeout, HostProbe.MAX_BODY);
        if (response.error() != null) {
            throw new ProbeException(response.error().kind(), response.error().message());
        }
        if (response.status() >= 400) {
            throw new ProbeException(ErrorKind.HTTP_STATUS, "caller " + caller.name() + " at " + caller.ip() + ":"
                    + port + " answered " + response.status() + ": " + EchoJson.cap(response.bodyText()));
        }
        return response.bodyText();
    }
}

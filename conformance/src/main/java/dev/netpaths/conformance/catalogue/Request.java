package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallRequest;
import java.util.Map;

/** The four probe shapes: through a caller pod (call, resolve) or from the harness host (HTTP, UDP). */
public sealed interface Request {

    /** A human description of the source. */
    String source();

    /** A human description of the target. */
    String target();

    record CallerHttp(Topology.Pod caller, CallRequest call) implements Request {
        public String source() {
            return "caller " + caller.name() + " on " + caller.node();
        }

        public String target() {
            return call.url() + (call.headers().isEmpty() ? "" : " " + call.headers());
        }
    }

    record CallerResolve(Topology.Pod caller, String name) implements Request {
        public String source() {
            return "caller " + caller.name() + " on " + caller.node();
        }

        public String target() {
            return "resolve " + name;
        }
    }

    record HostHttp(String ip, int port, String path, String hostHeader, Map<String, String> headers, int tries,
                    int timeoutMs) implements Request {
        public String source() {
            return "host";
        }

        public String target() {
            return "http://" + ip + ":" + port + path + (hostHeader == null ? "" : " Host: " + hostHeader)
                    + (headers.isEmpty() ? "" : " " + headers);
        }
    }

    record HostUdp(String ip, int port, int tries, int timeoutMs) implements Request {
        public String source() {
            return "host";
        }

        public String target() {
            return "udp://" + ip + ":" + port;
        }
    }
}

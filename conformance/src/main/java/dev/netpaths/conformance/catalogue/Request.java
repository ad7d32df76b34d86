package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallRequest;
import java.util.Map;

/**
 * The probe shapes: through a caller pod (call, resolve) or from the harness host (HTTP, UDP); and the disruption
 * group's share of a load that runs while a Deployment rolls.
 */
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

    /**
     * One path of a disruption case: its count from the load the case's {@code plan} runs once for all its paths
     * ({@code path} null: every path together, the control's one row).
     */
    record Disruption(DisruptionPlan plan, String path) implements Request {
        public String source() {
            return path == null ? "host and a caller" : plan.paths().stream().filter(p -> p.name().equals(path))
                    .findFirst().map(p -> p.request().source()).orElse("host");
        }

        public String target() {
            String roll = "rollout restart deployment/" + plan.deployment() + " under load";
            return path == null ? roll + " on " + plan.paths().stream().map(DisruptionPlan.LoadPath::name).toList()
                    : plan.paths().stream().filter(p -> p.name().equals(path)).findFirst()
                            .map(p -> p.request().target()).orElse(path) + " (" + roll + ")";
        }
    }
}

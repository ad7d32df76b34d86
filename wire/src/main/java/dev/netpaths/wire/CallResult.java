package dev.netpaths.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** caller-service's {@code /call} response (docs/architecture.md, "caller-service API"). */
public record CallResult(String url, String protocol, String host, int port, int tries, List<String> resolved,
                         List<Attempt> attempts, Summary summary) {

    /**
     * One attempt on its own connection. Phase times are durations: {@code dnsMs} the resolution,
     * {@code connectMs} the TCP handshake, {@code tlsMs} the TLS handshake, {@code firstByteMs} from sending the
     * request to the first response byte; {@code latencyMs} from connect start to the end of the response
     * (DNS excluded; earlier hops included when redirects were followed).
     *
     * @param served       who answered, when the answer was an echo reply
     * @param clientIpSeen the client address that echo saw
     */
    public record Attempt(int attempt, boolean ok, Integer status, Double latencyMs, Double dnsMs, Double connectMs,
                          Double tlsMs, Double firstByteMs, String remoteAddress, String localAddress,
                          Identity served, String clientIpSeen, Map<String, List<String>> responseHeaders,
                          String body, boolean bodyTruncated, List<String> redirects, ErrorInfo error) {
        /** A response arrived (any status, or a UDP reply): its latency is a round trip, not a timeout. */
        public boolean answered() {
            return status != null || ok;
        }
    }

    public record Latency(double min, double p50, double p95, double p99, double max) {
        /** Nearest-rank percentiles; null when nothing answered. */
        public static Latency of(List<Double> values) {
            if (values.isEmpty()) {
                return null;
            }
            List<Double> sorted = values.stream().sorted().toList();
            return new Latency(sorted.get(0), rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                    sorted.get(sorted.size() - 1));
        }

        private static double rank(List<Double> sorted, int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(index, 0));
        }
    }

    /** {@code backends}: pod name to the number of attempts it served, in order of first appearance. */
    public record Summary(int ok, int failed, int distinctBackends, Map<String, Integer> backends, Latency latencyMs,
                          Map<ErrorKind, Integer> errors) {
        public static Summary of(List<Attempt> attempts) {
            Map<String, Integer> backends = new LinkedHashMap<>();
            Map<ErrorKind, Integer> errors = new LinkedHashMap<>();
            List<Double> latencies = new ArrayList<>();
            int ok = 0;
            for (Attempt attempt : attempts) {
                ok += attempt.ok() ? 1 : 0;
                if (attempt.served() != null) {
                    backends.merge(attempt.served().pod(), 1, Integer::sum);
                }
                if (attempt.error() != null) {
                    errors.merge(attempt.error().kind(), 1, Integer::sum);
                }
                if (attempt.answered()) {
                    latencies.add(attempt.latencyMs());
                }
            }
            return new Summary(ok, attempts.size() - ok, backends.size(), backends, Latency.of(latencies), errors);
        }
    }
}

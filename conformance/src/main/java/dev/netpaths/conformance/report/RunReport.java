package dev.netpaths.conformance.report;

import java.util.List;

/** report.json: the run, the topology it ran on, and every path. */
public record RunReport(Run run, TopologyView topology, List<PathRecord> cases, Summary summary) {

    /** @param required the groups the run expected to run (--require, default: those whose objects exist) */
    public record Run(String startedAt, String finishedAt, String mode, String cluster, String peer, String cni,
                      String networkPolicy, String platform, List<String> hostAddresses, List<String> required) {}

    public record TopologyView(List<NodeView> nodes, List<EntryView> entries) {}

    public record NodeView(String name, String ip, String role, List<PodView> pods) {}

    public record PodView(String namespace, String name, String ip, String app, String version) {}

    /** An entry point or other non-node target drawn in the picture ({@code entry:ingress}, {@code peer}, ...). */
    public record EntryView(String id, String label, String address) {}

    /** @param skippedKeys the keys (names) of the skipped paths, sorted: what --expect-skips compares */
    public record Summary(int passed, int failed, int skipped, List<String> skippedKeys) {
        public Summary(int passed, int failed, int skipped) {
            this(passed, failed, skipped, null);
        }

        public static Summary of(List<PathRecord> cases) {
            return new Summary(count(cases, PathRecord.PASSED), count(cases, PathRecord.FAILED),
                    count(cases, PathRecord.SKIPPED), cases.stream().filter(c -> PathRecord.SKIPPED.equals(c.result()))
                    .map(PathRecord::name).sorted().toList());
        }

        private static int count(List<PathRecord> cases, String result) {
            return (int) cases.stream().filter(c -> result.equals(c.result())).count();
        }
    }
}

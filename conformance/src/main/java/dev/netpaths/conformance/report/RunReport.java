package dev.netpaths.conformance.report;

import java.util.List;

/** report.json: the run, the topology it ran on, and every path. */
public record RunReport(Run run, TopologyView topology, List<PathRecord> cases, Summary summary) {

    /**
     * @param required  the groups the run expected to run (--require, default: those whose objects exist)
     * @param dataPlane the data-plane choices the cluster was created with and where they were read ({@code source}):
     *                  discovery/DataPlane
     */
    public record Run(String startedAt, String finishedAt, String mode, String cluster, String peer, String cni,
                      String networkPolicy, String platform, List<String> hostAddresses, List<String> required,
                      java.util.Map<String, String> dataPlane) {
        public Run(String startedAt, String finishedAt, String mode, String cluster, String peer, String cni,
                   String networkPolicy, String platform, List<String> hostAddresses, List<String> required) {
            this(startedAt, finishedAt, mode, cluster, peer, cni, networkPolicy, platform, hostAddresses, required,
                    null);
        }

        /** The data-plane line of the console header; empty when none was recorded. */
        public String dataPlaneLine() {
            return RunReport.dataPlaneLine(dataPlane);
        }
    }

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

    /**
     * One line of data-plane choices ({@code CNI=calico PROXY_MODE=ipvs ... [source]}), "n/a" values left out and the
     * host port mapping in words; empty when {@code dataPlane} is null or empty.
     */
    public static String dataPlaneLine(java.util.Map<String, String> dataPlane) {
        if (dataPlane == null || dataPlane.isEmpty()) {
            return "";
        }
        List<String> shown = new java.util.ArrayList<>();
        dataPlane.forEach((k, v) -> {
            if (!"source".equals(k) && !"n/a".equals(v) && !k.startsWith("HOST_PORT")) {
                shown.add(k + "=" + v);
            }
        });
        String ports = dataPlane.get("HOST_PORTS");
        if (ports != null && !ports.isBlank()) {
            shown.add("host ports " + dataPlane.get("HOST_PORT_ADDRESS") + " → " + dataPlane.get("HOST_PORT_NODE")
                    + " (" + ports + ")");
        }
        return (shown.isEmpty() ? "unknown" : String.join(" ", shown)) + " [" + dataPlane.get("source") + "]";
    }
}

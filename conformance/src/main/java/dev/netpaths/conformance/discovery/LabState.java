package dev.netpaths.conformance.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The lab's state directory as the harness reads it: one {@code <cluster>/cluster.yaml} per cluster, each a v1 List of
 * every object with its status, as the lab's API server would hold it. Read into a {@link ClusterSnapshot} with no
 * server in between.
 */
public final class LabState {

    public static final String STATE_FILE = "cluster.yaml";

    private LabState() {}

    /** Every {@code <stateDir>/<cluster>/cluster.yaml}, sorted by directory name (first = cluster A). */
    public static List<Path> clusterFiles(Path stateDir) {
        try (Stream<Path> dirs = Files.list(stateDir)) {
            // By directory NAME: "netpaths" before "netpaths-b" (whole paths would sort '-' before '/').
            return dirs.filter(Files::isDirectory).sorted(Comparator.comparing(d -> d.getFileName().toString()))
                    .map(d -> d.resolve(STATE_FILE)).filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read lab state directory " + stateDir, e);
        }
    }

    /** One cluster's state file as a snapshot (the lab has no API server: {@code apiServer} is null). */
    public static ClusterSnapshot read(Path clusterYaml) {
        String text;
        try {
            text = Files.readString(clusterYaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + clusterYaml, e);
        }
        try {
            return ClusterSnapshot.parse(null, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(clusterYaml + ": " + e.getMessage(), e);
        }
    }

    /** The state directory's name for this cluster (used when the lab's ConfigMap names no cluster). */
    public static String clusterName(Path clusterYaml) {
        return clusterYaml.toAbsolutePath().getParent().getFileName().toString();
    }
}

package dev.netpaths.lab;

import dev.netpaths.lab.cni.CniKind;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What a lab is made of; validated once, written to {@code <state-dir>/lab.properties} so {@code status} and
 * {@code down} know the lab without the options that built it.
 */
public record LabConfig(CniKind cni, int nodes, int clusters, String prefix, Path stateDir, Path repo, List<Path> manifests) {
    public static final int MAX_NODES = 10;
    /** Room for "-255" in an interface name of at most 15 characters. */
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,9}");

    public LabConfig {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be 1.." + MAX_NODES + ", got " + nodes);
        }
        if (clusters < 1 || clusters > 2) {
            throw new IllegalArgumentException("--clusters must be 1 or 2, got " + clusters);
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("--prefix must be a lower-case letter then up to 9 letters or digits, got '" + prefix + "'");
        }
        if (!stateDir.isAbsolute()) {
            throw new IllegalArgumentException("--state-dir must be an absolute path, got " + stateDir);
        }
    }

    public void write() {
        Properties p = new Properties();
        p.setProperty("cni", cni.id());
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("clusters", Integer.toString(clusters));
        p.setProperty("prefix", prefix);
        p.setProperty("repo", repo.toString());
        ClusterRuntime.write(stateDir.resolve("lab.properties"), toText(p));
    }

    /** The config of the lab recorded in stateDir, if one is there. */
    public static java.util.Optional<LabConfig> read(Path stateDir) {
        Path f = stateDir.resolve("lab.properties");
        if (!Files.exists(f)) {
            return java.util.Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(f)));
            return java.util.Optional.of(new LabConfig(CniKind.parse(p.getProperty("cni")), Integer.parseInt(p.getProperty("nodes")),
                    Integer.parseInt(p.getProperty("clusters")), p.getProperty("prefix"), stateDir, Path.of(p.getProperty("repo")), List.of()));
        } catch (IOException | RuntimeException e) {
            throw new LabException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static String toText(Properties p) {
        StringBuilder b = new StringBuilder();
        p.stringPropertyNames().stream().sorted().forEach(k -> b.append(k).append('=').append(p.getProperty(k)).append('\n'));
        return b.toString();
    }
}

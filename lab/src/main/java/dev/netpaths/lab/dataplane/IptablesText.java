package dev.netpaths.lab.dataplane;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One table of {@code iptables-restore} input: chain declarations first (each declared chain is flushed by
 * {@code --noflush} restore), then rules, then COMMIT, as kube-proxy writes its buffers.
 */
public final class IptablesText {
    private final String table;
    private final Set<String> chains = new LinkedHashSet<>();
    private final List<String> rules = new ArrayList<>();

    public IptablesText(String table) {
        this.table = table;
    }

    public IptablesText chain(String name) {
        chains.add(name);
        return this;
    }

    /** A rule line, the non-empty words joined by spaces (quote comment words yourself, as kube-proxy does). */
    public IptablesText rule(String... words) {
        rules.add(String.join(" ", java.util.Arrays.stream(words).filter(w -> !w.isEmpty()).toList()));
        return this;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("*").append(table).append('\n');
        chains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
        rules.forEach(r -> out.append(r).append('\n'));
        return out.append("COMMIT\n").toString();
    }

    /** {@code "text"}: iptables-restore takes a double-quoted word with spaces as one argument. */
    public static String quote(String text) {
        if (text.contains("\"")) {
            throw new IllegalArgumentException("iptables comment with a double quote: " + text);
        }
        return "\"" + text + "\"";
    }
}

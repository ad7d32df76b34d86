package dev.netpaths.conformance.catalogue;

import java.util.List;

/**
 * A catalogue entry: a behaviour-style name, its group, what it proves and when it is skipped, and the target
 * that expands it into concrete paths with their expectations.
 */
public record PathCase(String name, String group, String proves, String skipsWhen, Target target) {

    public List<PathInstance> expand(Environment env) {
        return target.expand(this, env);
    }
}

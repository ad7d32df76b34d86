package dev.netpaths.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A program outside the JDK that a test runs (kubectl, Chromium). Anywhere a JDK is, a test that lacks it is
 * skipped with the reason; under {@code make test}, which sets {@value #REQUIRE}=1, it fails instead, so the full
 * suite never passes by skipping. Use: {@code assumeTrue(kubectl.usable(), kubectl.missing())}.
 *
 * @param what    the program as a reader knows it, e.g. "kubectl (with kustomize)"
 * @param install how to get it, e.g. "make deps, or set NETPATHS_KUBECTL"
 * @param path    where it was found
 */
public record Tool(String what, String install, Optional<Path> path) {
    /** The environment variable {@code make test} sets to 1: a missing tool fails the test instead of skipping it. */
    public static final String REQUIRE = "NETPATHS_REQUIRE_TOOLS";

    /** The program at the path {@code envVar} names, else the first of {@code names} found on PATH. */
    public static Tool find(String what, String install, String envVar, String... names) {
        return new Tool(what, install, lookUp(System.getenv(), envVar, names));
    }

    static Optional<Path> lookUp(Map<String, String> env, String envVar, String... names) {
        String named = env.get(envVar);
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String dirs = env.getOrDefault("PATH", "");
        return Stream.of(names)
                .flatMap(name -> Stream.of(dirs.split(":")).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** True when found; false when not (the caller's assumption then skips); an AssertionError when required. */
    public boolean usable() {
        return usable(System.getenv());
    }

    boolean usable(Map<String, String> env) {
        if (path.isPresent()) {
            return true;
        }
        if ("1".equals(env.get(REQUIRE))) {
            throw new AssertionError(missing() + " (" + REQUIRE + "=1, set by make test, requires it)");
        }
        return false;
    }

    /** The reason a test skips without it. */
    public String missing() {
        return what + " is missing: " + install;
    }

    /** The path found; call after {@link #usable()}. */
    public Path get() {
        return path.orElseThrow(() -> new IllegalStateException(missing()));
    }
}

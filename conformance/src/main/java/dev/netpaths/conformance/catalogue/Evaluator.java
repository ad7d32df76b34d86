package dev.netpaths.conformance.catalogue;

import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.conformance.probe.Load;
import dev.netpaths.conformance.probe.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Compares an {@link Observation} with an {@link Expect}; every problem is a sentence for the report. */
public final class Evaluator {

    private Evaluator() {}

    public enum ClientIpClass { PRESERVED, REWRITTEN, UNKNOWN }

    /** What happened to the client address between the source and the echo pod. */
    public static ClientIpClass classify(String seen, String source) {
        if (seen == null || source == null) {
            return ClientIpClass.UNKNOWN;
        }
        return seen.equals(source) ? ClientIpClass.PRESERVED : ClientIpClass.REWRITTEN;
    }

    /** Empty when the versions' shares are each within {@code tolerance} points of the expected percent. */
    public static Optional<String> splitProblem(Map<String, Long> countsByVersion, Map<String, Integer> expected,
                                                int tolerance) {
        long total = countsByVersion.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return Optional.of("no answers to measure a split on");
        }
        List<String> versions = expected.keySet().stream().sorted().toList();
        boolean within = versions.stream().allMatch(v -> Math.abs(percent(countsByVersion.getOrDefault(v, 0L), total)
                - expected.get(v)) <= tolerance)
                && countsByVersion.keySet().stream().allMatch(expected::containsKey);
        if (within) {
            return Optional.empty();
        }
        return Optional.of("split " + versions.stream()
                .map(v -> String.valueOf(Math.round(percent(countsByVersion.getOrDefault(v, 0L), total))))
                .collect(Collectors.joining("/")) + " (" + String.join("/", versions) + " of " + total + ") outside "
                + versions.stream().map(v -> expected.get(v) + "±" + tolerance).collect(Collectors.joining("/"))
                + (countsByVersion.keySet().stream().allMatch(expected::containsKey) ? ""
                        : "; unexpected versions " + countsByVersion.keySet()));
    }

    private static double percent(long count, long total) {
        return 100.0 * count / total;
    }

    /** As {@link #problems(Expect, Observation, int)} when the probe made the tries it reports. */
    public static List<String> problems(Expect e, Observation o) {
        return problems(e, o, o.attempts().size());
    }

    /** @param requestedTries the tries the probe asked for: an expected failure must show every one of them */
    public static List<String> problems(Expect e, Observation o, int requestedTries) {
        List<String> problems = new ArrayList<>();
        if ((e.outcome() == Expect.Outcome.FAILS || e.outcome() == Expect.Outcome.STATUS_NOT_FROM_ECHO)
                && (o.attempts().isEmpty() || o.attempts().size() != requestedTries)) {
            // An expected failure proves nothing without the tries it asked for (a prober that dropped its
            // attempts array would otherwise pass every blocked, refused or unresolvable path).
            problems.add(o.attempts().size() + " tries reported, " + requestedTries + " asked for: a protocol "
                    + "error, nothing was proved");
            return problems;
        }
        switch (e.outcome()) {
            case RESOLVES -> {
                if (o.resolveError() != null) {
                    problems.add("resolution failed: " + o.resolveError());
                } else if (!new TreeSet<>(o.resolved()).equals(new TreeSet<>(e.addresses()))) {
                    problems.add("resolved to " + new TreeSet<>(o.resolved()) + ", expected "
                            + new TreeSet<>(e.addresses()));
                }
                if (o.resolveError() == null && e.matchedName() != null
                        && !(e.matchedName().equals(stripDot(o.matchedName())) && "dns".equals(o.resolvedFrom()))) {
                    problems.add("answered as " + o.matchedName() + " from " + o.resolvedFrom() + ", expected "
                            + e.matchedName() + " from dns (through the search path)");
                }
            }
            case FAILS -> o.attempts().stream().filter(a -> a.ok() || !e.errors().contains(a.error()))
                    .findFirst().ifPresent(a -> problems.add(a.ok()
                            ? "answered by " + Backend.describe(a.served()) + " but no answer was expected"
                            : a.status() != null ? "answered with status " + a.status() + " ("
                                    + Backend.describe(a.served()) + "), expected no answer " + e.errors()
                            : "failed with " + a.error() + " (" + a.errorMessage() + "), expected " + e.errors()));
            case STATUS_NOT_FROM_ECHO -> o.attempts().stream()
                    .filter(a -> !Objects.equals(a.status(), e.status()) || a.served() != null).findFirst()
                    .ifPresent(a -> problems.add(a.served() != null
                            ? "answered by echo pod " + Backend.describe(a.served()) + " with " + a.status()
                                    + ", expected the entry point's own " + e.status()
                            : "got " + (a.status() != null ? "status " + a.status() : a.error() + " ("
                                    + a.errorMessage() + ")") + ", expected " + e.status()));
            case SPLIT -> {
                allAnswered(o, problems);
                o.attempts().stream().filter(a -> a.ok() && a.served() == null).findFirst()
                        .ifPresent(a -> problems.add("a try was answered without echo identity (it cannot count "
                                + "toward the split): " + a.body()));
                splitProblem(o.versions(), e.split(), e.tolerance()).ifPresent(problems::add);
            }
            case LOCALHOST_ROUNDTRIP -> {
                allAnswered(o, problems);
                String pod = e.backend() == null ? null : e.backend().pod();
                o.attempts().stream().filter(Attempt::ok).map(a -> Roundtrip.problem(a.body(), pod))
                        .flatMap(Optional::stream)
                        .findFirst().ifPresent(problems::add);
            }
            case HAIRPIN -> {
                allAnswered(o, problems);
                hairpinProblems(e, o, problems);
            }
            case STICKY -> {
                allAnswered(o, problems);
                answeredProblems(e, o, problems);
                if (o.backends().size() > 1) {
                    problems.add("served by " + o.backends().size() + " pods " + o.backends() + " over "
                            + o.attempts().size() + " tries, expected one: new connections from one client were "
                            + "spread, not kept on one endpoint (is sessionAffinity ClientIP honoured by kube-proxy?)");
                }
            }
            case RATE_LIMITED -> {
                o.attempts().stream().filter(a -> !(a.ok() && a.served() != null)
                                && !(Objects.equals(a.status(), e.status()) && a.served() == null)).findFirst()
                        .ifPresent(a -> problems.add(a.served() != null ? "answered by echo pod "
                                + Backend.describe(a.served()) + " with " + a.status() + ", expected echo's 200 or the "
                                + "entry point's own " + e.status()
                                : "got " + (a.status() != null ? "status " + a.status() + " not from echo" : a.error()
                                        + " (" + a.errorMessage() + ")") + ", expected echo's answer or " + e.status()));
                if (o.attempts().stream().noneMatch(a -> Objects.equals(a.status(), e.status()) && a.served() == null)) {
                    problems.add("no " + e.status() + " in " + o.attempts().size() + " tries: every one was let through "
                            + "(is the rate limit policy applied to this route?)");
                }
            }
            case NO_REQUEST_LOST -> {
                long lost = o.attempts().stream().filter(a -> !Load.served(a)).count();
                if (o.attempts().isEmpty()) {
                    problems.add("no request was counted on this path: the load never ran on it");
                } else if (lost > 0) {
                    problems.add(lost + " of " + o.attempts().size() + " requests lost while echo rolled "
                            + lostByOutcome(o));
                }
            }
            case REQUESTS_LOST -> {
                if (o.attempts().isEmpty()) {
                    problems.add("no request was counted: the load never ran");
                } else if (o.attempts().stream().allMatch(Load::served)) {
                    problems.add("no request lost without the drain (" + o.attempts().size() + " requests, every one "
                            + "served by echo): this run cannot tell a rollout that drains from one that does not");
                }
            }
            case REACHABLE -> allAnswered(o, problems);
            case ANSWERED -> {
                allAnswered(o, problems);
                answeredProblems(e, o, problems);
            }
        }
        return problems;
    }

    /** The lost requests by outcome, e.g. {@code (REFUSED=3, READ_TIMEOUT=1)}. */
    static String lostByOutcome(Observation o) {
        Map<String, Long> counts = o.attempts().stream().filter(a -> !Load.served(a)).collect(Collectors.groupingBy(
                Load::outcome, java.util.TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static void answeredProblems(Expect e, Observation o, List<String> problems) {
        List<Attempt> answered = o.attempts().stream().filter(Attempt::ok).toList();
        answered.stream().filter(a -> a.served() == null).findFirst()
                .ifPresent(a -> problems.add("answer was not echo JSON: " + a.body()));
        if (e.backend() != null) {
            answered.stream().filter(a -> a.served() != null && !e.backend().matches(a.served())).findFirst()
                    .ifPresent(a -> problems.add("served by " + Backend.describe(a.served()) + ", expected "
                            + e.backend()));
        }
        if (e.clientIp() == Expect.ClientIp.REWRITTEN_TO_NODE) {
            answered.stream().filter(a -> a.served() != null)
                    .filter(a -> a.clientIpSeen() == null || a.clientIpSeen().equals(a.sourceIp())
                            || e.rewrittenTo().stream().noneMatch(c -> Cidrs.contains(c, a.clientIpSeen())))
                    .findFirst()
                    .ifPresent(a -> problems.add("client IP seen " + a.clientIpSeen() + " from source " + a.sourceIp()
                            + " is not the entry node's address or pod CIDR " + e.rewrittenTo()));
        } else if (e.clientIp() != Expect.ClientIp.ANY) {
            ClientIpClass wanted = e.clientIp() == Expect.ClientIp.PRESERVED ? ClientIpClass.PRESERVED
                    : ClientIpClass.REWRITTEN;
            answered.stream().filter(a -> a.served() != null)
                    .filter(a -> classify(a.clientIpSeen(), a.sourceIp()) != wanted)
                    .findFirst()
                    .ifPresent(a -> problems.add("client IP seen " + a.clientIpSeen() + " from source " + a.sourceIp()
                            + " is " + classify(a.clientIpSeen(), a.sourceIp()).name().toLowerCase()
                            + ", expected " + e.clientIp().name().toLowerCase()));
        }
        if (!e.addresses().isEmpty() && !new TreeSet<>(o.resolved()).equals(new TreeSet<>(e.addresses()))) {
            problems.add("the caller resolved the name to " + o.resolved() + ", expected the ClusterIP "
                    + e.addresses());
        }
        if (o.backends().size() < e.minDistinct()) {
            problems.add(o.backends().size() + " distinct backend(s) " + o.backends().keySet() + " over "
                    + o.attempts().size() + " tries, expected at least " + e.minDistinct()
                    + " (is the prober reusing connections, or are endpoints missing?)");
        }
        if (e.forwardedFor()) {
            answered.stream().filter(a -> a.served() != null && a.forwardedFor() == null).findFirst()
                    .ifPresent(a -> problems.add("no X-Forwarded-For reached " + a.served().pod()
                            + ": the hop did not add it"));
        }
    }

    private static void hairpinProblems(Expect e, Observation o, List<String> problems) {
        List<Attempt> self = o.attempts().stream().filter(a -> a.ok() && e.backend().matches(a.served())).toList();
        if (self.isEmpty()) {
            problems.add("no try was served by " + e.backend() + " itself over " + o.attempts().size()
                    + " tries (served by " + o.backends().keySet() + ")");
        }
        self.stream().filter(a -> classify(a.clientIpSeen(), a.sourceIp()) != ClientIpClass.REWRITTEN).findFirst()
                .ifPresent(a -> problems.add("the pod saw its own hairpin traffic from " + a.clientIpSeen()
                        + ": kube-proxy must masquerade traffic whose source is the chosen endpoint, or the reply"
                        + " never returns through the Service"));
    }

    private static String stripDot(String name) {
        return name != null && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static void allAnswered(Observation o, List<String> problems) {
        List<Attempt> failed = o.attempts().stream().filter(a -> !a.ok()).toList();
        if (o.attempts().isEmpty()) {
            problems.add("no tries were made");
        } else if (!failed.isEmpty()) {
            String message = Objects.toString(failed.get(0).errorMessage(), "");
            problems.add(failed.size() + "/" + o.attempts().size() + " tries failed " + o.errors()
                    + ", first: " + failed.get(0).error() + (message.isBlank() ? "" : " " + message));
        }
    }
}

package dev.netpaths.conformance.catalogue;

import dev.netpaths.wire.ErrorKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expected outcome of one path, as data. {@link Evaluator} is the only code that reads it.
 *
 * @param backend        who must serve every answer (ANSWERED); null = any echo answer
 * @param clientIp       what the echo pod must see as the client address
 * @param minDistinct    at least this many distinct backends over the tries
 * @param split          version → expected percent (SPLIT)
 * @param tolerance      allowed deviation in percentage points (SPLIT)
 * @param forwardedFor   a hop must have added X-Forwarded-For
 * @param status         the status an entry point itself answers (STATUS)
 * @param errors         the acceptable failure kinds (FAILS)
 * @param addresses      the exact address set a name resolves to (RESOLVES), or the caller resolved its URL's
 *                       host to (ANSWERED through a Service name)
 * @param matchedName    the name that answered through the search path (RESOLVES; null: not checked)
 * @param rewrittenTo    addresses and CIDRs the client IP may be rewritten to (REWRITTEN_TO_NODE)
 */
public record Expect(Outcome outcome, Backend backend, ClientIp clientIp, int minDistinct, Map<String, Integer> split,
                     int tolerance, boolean forwardedFor, Integer status, Set<ErrorKind> errors,
                     List<String> addresses, String matchedName, List<String> rewrittenTo) {

    public Expect(Outcome outcome, Backend backend, ClientIp clientIp, int minDistinct, Map<String, Integer> split,
                  int tolerance, boolean forwardedFor, Integer status, Set<ErrorKind> errors, List<String> addresses) {
        this(outcome, backend, clientIp, minDistinct, split, tolerance, forwardedFor, status, errors, addresses, null,
                List.of());
    }

    public enum Outcome {
        /** every try answered by the expected backend */
        ANSWERED,
        /** every try got an answer below 400, from anything (the target is not echo) */
        REACHABLE,
        /** no try answered: each failed with one of {@code errors} */
        FAILS,
        /** every try answered with {@code status} by the entry point itself, not by echo */
        STATUS_NOT_FROM_ECHO,
        /** every try answered; versions share the tries as {@code split} within {@code tolerance} */
        SPLIT,
        /** the name resolves to exactly {@code addresses} */
        RESOLVES,
        /** the sidecar-demo roundtrip: app and sidecar in one pod, the sidecar saw 127.0.0.1 */
        LOCALHOST_ROUNDTRIP,
        /**
         * every try answered; at least one by {@code backend}, the source pod itself, which saw a rewritten client
         * address (kube-proxy masquerades traffic whose source is the endpoint it is sent to)
         */
        HAIRPIN,
        /**
         * every try answered by the expected backend, and all of them by one pod: new connections from one client
         * stick to the endpoint it first reached (sessionAffinity ClientIP)
         */
        STICKY,
        /**
         * every try answered, by echo or with {@code status} (429) by the entry point itself, and at least one with
         * the 429: the tries went past a rate limit
         */
        RATE_LIMITED,
        /** disruption: every request of the load, before, during and after the rollout, served by echo */
        NO_REQUEST_LOST,
        /** disruption's control (no drain): the load counted requests, and some of them were lost */
        REQUESTS_LOST
    }

    public enum ClientIp {
        ANY,
        /** the echo pod saw the source's own address: no NAT on the way */
        PRESERVED,
        /** the echo pod saw another address than the source's: a hop SNATed */
        REWRITTEN,
        /**
         * SNATed by the entry node: the echo pod saw that node's InternalIP or an address of its pod CIDR (the
         * bridge, or the overlay device kube-proxy's masquerade picks), one of {@code rewrittenTo}
         */
        REWRITTEN_TO_NODE
    }

    public static Expect answeredBy(Backend backend) {
        return new Expect(Outcome.ANSWERED, backend, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(), List.of());
    }

    public static Expect reachable() {
        return new Expect(Outcome.REACHABLE, null, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(), List.of());
    }

    public static Expect fails(ErrorKind first, ErrorKind... more) {
        return new Expect(Outcome.FAILS, null, ClientIp.ANY, 0, Map.of(), 0, false, null, EnumSet.of(first, more),
                List.of());
    }

    /** Nothing answers at all: refused, timed out, reset or unreachable (an HTTP error would be an answer). */
    public static Expect noAnswer() {
        return new Expect(Outcome.FAILS, null, ClientIp.ANY, 0, Map.of(), 0, false, null, ErrorKind.NO_ANSWER,
                List.of());
    }

    public static Expect statusNotFromEcho(int status) {
        return new Expect(Outcome.STATUS_NOT_FROM_ECHO, null, ClientIp.ANY, 0, Map.of(), 0, false, status, Set.of(),
                List.of());
    }

    public static Expect rateLimited() {
        return new Expect(Outcome.RATE_LIMITED, null, ClientIp.ANY, 0, Map.of(), 0, false, 429, Set.of(), List.of());
    }

    public static Expect split(Map<String, Integer> percentByVersion, int tolerancePoints) {
        return new Expect(Outcome.SPLIT, null, ClientIp.ANY, 0, percentByVersion, tolerancePoints, false, null,
                Set.of(), List.of());
    }

    public static Expect resolves() {
        return new Expect(Outcome.RESOLVES, null, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(), List.of());
    }

    public static Expect localhostRoundtrip() {
        return new Expect(Outcome.LOCALHOST_ROUNDTRIP, null, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(),
                List.of());
    }

    public static Expect sticky(Backend backend) {
        return new Expect(Outcome.STICKY, backend, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(), List.of());
    }

    public static Expect hairpin(Backend self) {
        return new Expect(Outcome.HAIRPIN, self, ClientIp.REWRITTEN, 0, Map.of(), 0, false, null, Set.of(), List.of());
    }

    /** Disruption: not one request lost while the Deployment rolls. */
    public static Expect noRequestLost() {
        return new Expect(Outcome.NO_REQUEST_LOST, null, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(),
                List.of());
    }

    /** Disruption's control: requests lost while the Deployment rolls without its drain. */
    public static Expect requestsLost() {
        return new Expect(Outcome.REQUESTS_LOST, null, ClientIp.ANY, 0, Map.of(), 0, false, null, Set.of(), List.of());
    }

    public Expect clientIp(ClientIp expected) {
        return new Expect(outcome, backend, expected, minDistinct, split, tolerance, forwardedFor, status, errors,
                addresses, matchedName, rewrittenTo);
    }

    /** The client IP must be rewritten to one of these addresses or CIDRs (the entry node's). */
    public Expect rewrittenTo(List<String> nodeAddresses) {
        return new Expect(outcome, backend, ClientIp.REWRITTEN_TO_NODE, minDistinct, split, tolerance, forwardedFor,
                status, errors, addresses, matchedName, List.copyOf(nodeAddresses));
    }

    public Expect distinct(int min) {
        return new Expect(outcome, backend, clientIp, min, split, tolerance, forwardedFor, status, errors, addresses,
                matchedName, rewrittenTo);
    }

    public Expect forwardedFor(boolean added) {
        return new Expect(outcome, backend, clientIp, minDistinct, split, tolerance, added, status, errors, addresses,
                matchedName, rewrittenTo);
    }

    public Expect backend(Backend expected) {
        return new Expect(outcome, expected, clientIp, minDistinct, split, tolerance, forwardedFor, status, errors,
                addresses, matchedName, rewrittenTo);
    }

    public Expect addresses(List<String> expected) {
        return new Expect(outcome, backend, clientIp, minDistinct, split, tolerance, forwardedFor, status, errors,
                List.copyOf(expected), matchedName, rewrittenTo);
    }

    public Expect matchedName(String fullName) {
        return new Expect(outcome, backend, clientIp, minDistinct, split, tolerance, forwardedFor, status, errors,
                addresses, fullName, rewrittenTo);
    }

    /** Whether an expected result may need time to converge (only positive outcomes are retried). */
    public boolean positive() {
        return outcome != Outcome.FAILS;
    }

    /** One line for reports: what must happen. */
    public String summary() {
        StringBuilder text = new StringBuilder(switch (outcome) {
            case ANSWERED -> "answered by " + (backend == null ? "echo" : backend);
            case REACHABLE -> "answered (status < 400)";
            case FAILS -> "no answer: " + errors.stream().sorted().toList();
            case STATUS_NOT_FROM_ECHO -> status + " from the entry point, not from echo";
            case SPLIT -> "split " + new java.util.TreeMap<>(split) + " ±" + tolerance + " points";
            case RESOLVES -> "resolves to " + addresses;
            case LOCALHOST_ROUNDTRIP -> "app and sidecar in one pod, sidecar sees 127.0.0.1";
            case HAIRPIN -> "served by " + backend + " itself at least once";
            case STICKY -> "answered by " + (backend == null ? "echo" : backend) + ", every try by one pod";
            case RATE_LIMITED -> "at least one " + status + " from the entry point, every other answer from echo";
            case NO_REQUEST_LOST -> "every request served by echo while it rolls (none lost)";
            case REQUESTS_LOST -> "requests lost while echo rolls without its drain (the check can fail)";
        });
        if (clientIp == ClientIp.REWRITTEN_TO_NODE) {
            text.append(", client IP rewritten to the entry node ").append(rewrittenTo);
        } else if (clientIp != ClientIp.ANY) {
            text.append(", client IP ").append(clientIp.name().toLowerCase());
        }
        if (outcome != Outcome.RESOLVES && !addresses.isEmpty()) {
            text.append(", name resolved to ").append(addresses);
        }
        if (matchedName != null) {
            text.append(", matched as ").append(matchedName);
        }
        if (minDistinct > 0) {
            text.append(", >= ").append(minDistinct).append(" distinct backends");
        }
        if (forwardedFor) {
            text.append(", X-Forwarded-For added");
        }
        return text.toString();
    }
}

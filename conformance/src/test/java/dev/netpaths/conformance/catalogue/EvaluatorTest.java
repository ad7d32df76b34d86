package dev.netpaths.conformance.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.conformance.probe.Attempt;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.Served;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expectation evaluation: split tolerance, client-IP classification, who answered, failure kinds, DNS sets. */
class EvaluatorTest {

    static Attempt served(String pod, String version, String source, String seen) {
        return new Attempt(true, 200, 1.0, new Served("echo-service", version, pod, "netpaths", "n1", "10.244.1.3",
                "netpaths"), source, seen, null, null, null, null);
    }

    static Observation split(int v1, int v2) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < v1 + v2; i++) {
            attempts.add(served("echo-" + i % 3, i < v1 ? "v1" : "v2", "172.18.0.1", "10.244.0.1"));
        }
        return Observation.of(attempts);
    }

    @Test
    void splitWithinSixPointsPassesAtTheBoundary() {
        assertEquals(Optional.empty(), Evaluator.splitProblem(Map.of("v1", 400L, "v2", 100L), Map.of("v1", 80, "v2", 20), 6));
        assertEquals(Optional.empty(), Evaluator.splitProblem(Map.of("v1", 370L, "v2", 130L), Map.of("v1", 80, "v2", 20), 6));
    }

    @Test
    void splitOutsideToleranceNamesTheMeasuredAndExpectedShares() {
        assertEquals(Optional.of("split 62/38 (v1/v2 of 500) outside 80±6/20±6"),
                Evaluator.splitProblem(Map.of("v1", 310L, "v2", 190L), Map.of("v1", 80, "v2", 20), 6));
        assertEquals(List.of("split 73/27 (v1/v2 of 500) outside 80±6/20±6"),
                Evaluator.problems(Expect.split(Map.of("v1", 80, "v2", 20), 6), split(365, 135)));
    }

    @Test
    void aVersionOutsideTheSplitFailsIt() {
        assertTrue(Evaluator.splitProblem(Map.of("v1", 80L, "v2", 20L, "v3", 1L), Map.of("v1", 80, "v2", 20), 6)
                .orElseThrow().contains("unexpected versions"));
    }

    @Test
    void clientIpIsPreservedOnlyWhenTheEchoSawTheSourceItself() {
        assertEquals(Evaluator.ClientIpClass.PRESERVED, Evaluator.classify("10.244.1.5", "10.244.1.5"));
        assertEquals(Evaluator.ClientIpClass.REWRITTEN, Evaluator.classify("10.244.0.0", "172.18.0.1"));
        assertEquals(Evaluator.ClientIpClass.UNKNOWN, Evaluator.classify(null, "172.18.0.1"));
    }

    @Test
    void nodePortClusterPolicyFailsWhenTheClientIpWasKept() {
        Expect rewritten = Expect.answeredBy(Backend.echo("netpaths", "v1")).clientIp(Expect.ClientIp.REWRITTEN);
        assertEquals(List.of(), Evaluator.problems(rewritten,
                Observation.of(List.of(served("echo-a", "v1", "172.18.0.1", "10.244.1.0")))));
        assertEquals(List.of("client IP seen 172.18.0.1 from source 172.18.0.1 is preserved, expected rewritten"),
                Evaluator.problems(rewritten, Observation.of(List.of(served("echo-a", "v1", "172.18.0.1", "172.18.0.1")))));
    }

    @Test
    void theWrongPodOrTooFewBackendsFailAPath() {
        Observation onePod = Observation.of(List.of(served("echo-a", "v1", "s", "s"), served("echo-a", "v1", "s", "s")));
        assertEquals(List.of("served by echo-a (netpaths, v1, node n1, cluster netpaths), expected echo-service "
                        + "[pod=echo-b, namespace=netpaths]"),
                Evaluator.problems(Expect.answeredBy(Backend.echo("netpaths", null).pod("echo-b")), onePod));
        assertTrue(Evaluator.problems(Expect.answeredBy(null).distinct(2), onePod).get(0)
                .startsWith("1 distinct backend(s) [echo-a] over 2 tries, expected at least 2"));
    }

    @Test
    void expectedFailuresMustFailWithTheRightKind() {
        Observation dns = Observation.of(List.of(Attempt.failed(ErrorKind.DNS_FAILURE, "NXDOMAIN", 1, null)));
        Observation timeout = Observation.of(List.of(Attempt.failed(ErrorKind.CONNECT_TIMEOUT, "t", 1, null)));
        assertEquals(List.of(), Evaluator.problems(Expect.fails(ErrorKind.DNS_FAILURE), dns));
        assertEquals(List.of("failed with CONNECT_TIMEOUT (t), expected [DNS_FAILURE]"),
                Evaluator.problems(Expect.fails(ErrorKind.DNS_FAILURE), timeout));
        assertTrue(Evaluator.problems(Expect.noAnswer(), Observation.of(List.of(served("echo-a", "v1", "s", "s"))))
                .get(0).contains("but no answer was expected"));
    }

    @Test
    void anHttpErrorIsAnAnswerNotTheAbsenceOfOne() {
        Attempt proxy404 = new Attempt(false, 404, 1, null, "h", null, null, ErrorKind.HTTP_STATUS, "HTTP 404", "nf");
        assertEquals(List.of("answered with status 404 (a non-echo answer), expected no answer "
                        + "[REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE]"),
                Evaluator.problems(Expect.noAnswer(), Observation.of(List.of(proxy404))));
        assertEquals(List.of(), Evaluator.problems(Expect.noAnswer(),
                Observation.of(List.of(Attempt.failed(ErrorKind.CONNECT_TIMEOUT, "t", 2000, null)))));
    }

    @Test
    void anEntryPointStatusMustNotComeFromEcho() {
        Attempt proxy404 = new Attempt(false, 404, 1, null, "h", null, null, ErrorKind.HTTP_STATUS, "HTTP 404", "nf");
        Attempt echo404 = new Attempt(false, 404, 1, new Served("echo-service", "v1", "echo-a", "netpaths", "n", "i",
                "c"), "h", "h", null, ErrorKind.HTTP_STATUS, "HTTP 404", null);
        assertEquals(List.of(), Evaluator.problems(Expect.statusNotFromEcho(404), Observation.of(List.of(proxy404))));
        assertTrue(Evaluator.problems(Expect.statusNotFromEcho(404), Observation.of(List.of(echo404))).get(0)
                .startsWith("answered by echo pod echo-a"));
    }

    @Test
    void resolutionMustMatchTheAddressSetExactly() {
        Expect two = Expect.resolves().addresses(List.of("10.244.1.3", "10.244.2.3"));
        assertEquals(List.of(), Evaluator.problems(two, Observation.ofResolution(List.of("10.244.2.3", "10.244.1.3"), null)));
        assertEquals(List.of("resolved to [10.244.1.3], expected [10.244.1.3, 10.244.2.3]"),
                Evaluator.problems(two, Observation.ofResolution(List.of("10.244.1.3"), null)));
    }

    @Test
    void forwardedForMustHaveBeenAddedByTheHop() {
        Expect xff = Expect.answeredBy(null).forwardedFor(true);
        assertEquals(List.of("no X-Forwarded-For reached echo-a: the hop did not add it"),
                Evaluator.problems(xff, Observation.of(List.of(served("echo-a", "v1", "s", "s")))));
    }

    @Test
    void roundtripReadsSidecarDemosOneSpellingAndChecksOnePodAndLoopback() {
        // sidecar-demo's Roundtrip record as it serializes today
        String good = "{\"samePod\":true,\"latencyMs\":0.8,\"sidecarUrl\":\"http://127.0.0.1:9090/enrich\","
                + "\"connection\":{\"local\":\"127.0.0.1:51234\",\"remote\":\"127.0.0.1:9090\"},"
                + "\"app\":{\"pod\":\"sd-1\",\"podIp\":\"10.244.2.6\",\"hostname\":\"sd-1\",\"pid\":7},"
                + "\"sidecar\":{\"pod\":\"sd-1\",\"podIp\":\"10.244.2.6\",\"hostname\":\"sd-1\",\"pid\":9,"
                + "\"peerSeen\":\"127.0.0.1\",\"peerPort\":51234,\"stamp\":\"enriched-by sd-1/9\"}}";
        String variant = "{\"caller\":{\"podName\":\"sd-1\",\"ip\":\"10.244.2.6\"},"
                + "\"server\":{\"podName\":\"sd-1\",\"ip\":\"10.244.2.6\"},\"clientIp\":\"127.0.0.1\"}";
        String notLoopback = good.replace("127.0.0.1", "10.244.1.5");
        assertEquals(Optional.empty(), Roundtrip.problem(good, "sd-1"));
        assertEquals(Optional.of("the sidecar saw 10.244.1.5 instead of 127.0.0.1"),
                Roundtrip.problem(notLoopback, "sd-1"));
        assertTrue(Roundtrip.problem(good.replace("\"pid\":9,", "\"pid\":9,\"pod\":\"sd-2\",").replace(
                "\"sidecar\":{\"pod\":\"sd-1\",", "\"sidecar\":{"), "sd-1").orElseThrow()
                .startsWith("app and sidecar report different pods"));
        // Another spelling of the sides is not sidecar-demo's (wire's Roundtrip): it fails, nothing is guessed.
        assertTrue(Roundtrip.problem(variant, null).orElseThrow().startsWith("/roundtrip JSON has no app/sidecar sides"));
    }

    @Test
    void roundtripFailsOnNullPodIpsOnAnotherConnectionAndOnAnotherPod() {
        String good = "{\"connection\":{\"local\":\"127.0.0.1:51234\",\"remote\":\"127.0.0.1:9090\"},"
                + "\"app\":{\"pod\":\"sd-1\",\"podIp\":\"10.244.2.6\"},"
                + "\"sidecar\":{\"pod\":\"sd-1\",\"podIp\":\"10.244.2.6\",\"peerSeen\":\"127.0.0.1\",\"peerPort\":51234}}";
        assertEquals(Optional.empty(), Roundtrip.problem(good, "sd-1"));
        String nullIps = good.replace(",\"podIp\":\"10.244.2.6\"", "");
        assertTrue(Roundtrip.problem(nullIps, "sd-1").orElseThrow().startsWith("app and sidecar report different pod IPs: null"));
        String otherPort = good.replace("\"peerPort\":51234", "\"peerPort\":40000");
        assertTrue(Roundtrip.problem(otherPort, "sd-1").orElseThrow().contains("127.0.0.1:51234 is not the one"));
        assertEquals(Optional.of("answered by pod sd-1, expected the target pod sd-9"), Roundtrip.problem(good, "sd-9"));
    }

    static Attempt callerServed(String pod, String source, String seen) {
        return new Attempt(true, 200, 1.0, new Served("caller-service", "v1", pod, "netpaths", "n1", source,
                "netpaths"), source, seen, null, null, null, null);
    }

    static final Expect HAIRPIN = Expect.hairpin(new Backend("caller-service", "netpaths", null, null, "caller-a", null));

    @Test
    void hairpinPassesWhenThePodServedItselfAndSawTheNodeAddress() {
        assertEquals(List.of(), Evaluator.problems(HAIRPIN, Observation.of(List.of(
                callerServed("caller-b", "10.244.1.4", "10.244.1.4"),
                callerServed("caller-a", "10.244.1.4", "10.244.1.1")))));
    }

    @Test
    void hairpinFailsWhenNoTryReachedThePodItself() {
        List<String> problems = Evaluator.problems(HAIRPIN, Observation.of(List.of(
                callerServed("caller-b", "10.244.1.4", "10.244.1.4"),
                callerServed("caller-c", "10.244.1.4", "10.244.1.4"))));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("no try was served by caller-service [pod=caller-a"), problems.get(0));
    }

    @Test
    void hairpinFailsWhenThePodSawItsOwnAddress() {
        List<String> problems = Evaluator.problems(HAIRPIN, Observation.of(List.of(
                callerServed("caller-a", "10.244.1.4", "10.244.1.4"))));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("must masquerade"), problems.get(0));
    }
}

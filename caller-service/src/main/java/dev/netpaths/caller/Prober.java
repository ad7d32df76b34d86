package dev.netpaths.caller;

import dev.netpaths.wire.CallResult;
import dev.netpaths.wire.EchoReply;
import dev.netpaths.wire.ErrorInfo;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.CallResult.Attempt;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a {@link CallSpec}: N sequential attempts, each resolving, checking the policy and connecting anew,
 * so per-connection load balancing shows as distinct backends. With {@code stopAfterFailures} K, a call whose first
 * K attempts all failed stops there: the target is down, and each further attempt could only wait out its timeout
 * (a UDP try does whenever the node's rate-limited ICMP port unreachable does not come).
 */
@ApplicationScoped
public class Prober {
    private static final int MAX_REDIRECTS = 5;
    private static final byte[] DEFAULT_UDP_PAYLOAD = "netpaths-caller".getBytes(StandardCharsets.UTF_8);

    private final DnsResolver resolver;
    private final TargetPolicy policy;
    private final HttpProbe http;
    private final CallerConfig config;
    private final MeterRegistry registry;

    public Prober(DnsResolver resolver, TargetPolicy policy, HttpProbe http, CallerConfig config, MeterRegistry registry) {
        this.resolver = resolver;
        this.policy = policy;
        this.http = http;
        this.config = config;
        this.registry = registry;
    }

    /** @throws ForbiddenTargetException as soon as any resolution or redirect is refused: no packet goes there */
    CallResult call(CallSpec spec) {
        Target target = spec.target();
        Set<String> resolved = new LinkedHashSet<>();
        List<Attempt> attempts = new ArrayList<>();
        boolean answered = false;
        for (int i = 1; i <= spec.tries(); i++) {
            Attempt attempt = attempt(i, spec, resolved);
            attempts.add(attempt);
            answered |= attempt.ok();
            registry.counter("netpaths.caller.attempts", "protocol", target.scheme(),
                    "outcome", attempt.error() == null ? "ok" : attempt.error().kind().name()).increment();
            if (!answered && i == spec.stopAfterFailures()) {
                break;
            }
        }
        CallResult.Summary summary = CallResult.Summary.of(attempts);
        Log.infof("call %s tries=%d made=%d ok=%d failed=%d", target.display(), spec.tries(), attempts.size(),
                summary.ok(), summary.failed());
        return new CallResult(target.uri().toString(), target.scheme(), target.host(), target.port(), spec.tries(),
                List.copyOf(resolved), attempts, summary);
    }

    private Attempt attempt(int number, CallSpec spec, Set<String> resolved) {
        Target target = spec.target();
        String method = spec.method();
        String body = spec.body();
        List<Header> headers = spec.headers();
        List<String> redirects = new ArrayList<>();
        double earlierHopsMs = 0;
        while (true) {
            Resolution resolution = resolver.resolve(target.host(), Math.min(resolver.defaultBudgetMs(), spec.timeoutMs()));
            if (redirects.isEmpty()) { // `resolved` is about the URL's own host, not where it redirects
                resolution.addresses().forEach(a -> resolved.add(a.getHostAddress()));
            }
            if (resolution.error() != null) {
                return new Attempt(number, false, null, null, resolution.durationMs(), null, null, null, null, null,
                        null, null, null, null, false, redirects, resolution.error());
            }
            checkPolicy(resolution, redirects);
            // The first address, as a libc client would take; every one of them passed the policy.
            InetAddress address = resolution.addresses().get(0);
            Exchange ex = target.udp()
                    ? UdpProbe.exchange(address, target.port(), body == null ? DEFAULT_UDP_PAYLOAD
                            : body.getBytes(StandardCharsets.UTF_8), spec.timeoutMs(), config.maxResponseBytes())
                    : http.exchange(address, target, method, headers, body, spec.timeoutMs(), config.maxResponseBytes());
            String location = ex.firstHeader("location");
            if (!spec.followRedirects() || ex.error != null || !isRedirect(ex.status) || location == null) {
                return toAttempt(number, resolution, ex, redirects, earlierHopsMs);
            }
            if (redirects.size() == MAX_REDIRECTS) {
                ex.error = ErrorInfo.of(ErrorKind.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects");
                return toAttempt(number, resolution, ex, redirects, earlierHopsMs);
            }
            Target next;
            try {
                next = target.redirect(location);
            } catch (BadInputException e) {
                ex.error = ErrorInfo.of(ErrorKind.PROTOCOL, e.getMessage());
                return toAttempt(number, resolution, ex, redirects, earlierHopsMs);
            }
            redirects.add(next.uri().toString());
            if (ex.status == 303 || (ex.status <= 302 && method.equals("POST"))) {
                method = "GET"; // as browsers and curl -L do
                body = null;
            }
            if (!next.sameOrigin(target)) {
                headers = headers.stream().filter(h -> !h.named("Host") && !h.named("Authorization")).toList();
            }
            earlierHopsMs += ex.latencyMs;
            target = next;
        }
    }

    private void checkPolicy(Resolution resolution, List<String> redirects) {
        try {
            policy.check(resolution.matchedName(), resolution.addresses());
        } catch (ForbiddenTargetException e) {
            if (redirects.isEmpty()) {
                throw e;
            }
            throw new ForbiddenTargetException("redirect to " + redirects.get(redirects.size() - 1) + " refused: "
                    + e.getMessage());
        }
    }

    private static boolean isRedirect(Integer status) {
        return status != null && (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
    }

    private static Attempt toAttempt(int number, Resolution resolution, Exchange ex, List<String> redirects,
                                     double earlierHopsMs) {
        Optional<EchoReply.Seen> echo = ex.body == null ? Optional.empty() : EchoReply.Seen.read(ex.body);
        String text = echo.isPresent() || ex.body == null ? null : new String(ex.body, StandardCharsets.UTF_8);
        double latency = Math.round((earlierHopsMs + ex.latencyMs) * 100) / 100.0;
        return new Attempt(number, ex.error == null, ex.status, latency, resolution.durationMs(), ex.connectMs,
                ex.tlsMs, ex.firstByteMs, ex.remoteAddress, ex.localAddress,
                echo.map(EchoReply.Seen::served).orElse(null), echo.map(EchoReply.Seen::clientIp).orElse(null),
                ex.headers, text, ex.truncated, redirects, ex.error);
    }
}

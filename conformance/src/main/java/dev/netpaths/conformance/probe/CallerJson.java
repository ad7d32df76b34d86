package dev.netpaths.conformance.probe;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.wire.CallResult;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.ErrorReply;
import dev.netpaths.wire.ResolveResult;
import dev.netpaths.wire.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads caller-service's {@code /call} and {@code /resolve} answers (wire's {@link CallResult}, {@link ResolveResult}). */
public final class CallerJson {

    private CallerJson() {}

    public static Observation call(Topology.Pod caller, String body) throws ProbeException {
        Optional<CallResult> result = Wire.read(body, CallResult.class);
        if (result.isEmpty()) {
            throw new ProbeException(ErrorKind.PROTOCOL, "caller " + caller.name() + " did not answer /call JSON: "
                    + EchoJson.cap(body));
        }
        // An answer without tries proves nothing: a missing or empty array is a protocol error, not a pass.
        List<CallResult.Attempt> tries = result.get().attempts();
        if (tries == null || tries.isEmpty()) {
            Optional<ErrorReply> refusal = Wire.read(body, ErrorReply.class).filter(e -> e.error() != null);
            if (refusal.isPresent()) {
                throw new ProbeException(ErrorKind.PROTOCOL, "caller " + caller.name() + " refused the request: "
                        + refusal.get().error() + " " + refusal.get().reason());
            }
            throw new ProbeException(ErrorKind.PROTOCOL, "caller " + caller.name() + " answered /call without an "
                    + "attempts array: " + EchoJson.cap(body));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (CallResult.Attempt a : tries) {
            String local = a.localAddress();
            attempts.add(new Attempt(a.ok(), a.status(), a.latencyMs() == null ? 0 : a.latencyMs(),
                    EchoJson.served(a.served()),
                    local == null ? caller.ip() : local.substring(0, local.lastIndexOf(':') > 0
                            ? local.lastIndexOf(':') : local.length()).replaceAll("^\\[|]$", ""),
                    a.clientIpSeen(),
                    null,
                    a.error() == null ? null : a.error().kind() == null ? ErrorKind.OTHER : a.error().kind(),
                    a.error() == null ? null : a.error().message(),
                    a.body()));
        }
        List<String> resolved = result.get().resolved();
        return new Observation(attempts, resolved == null ? List.of() : resolved, null, null, null);
    }

    public static Observation resolve(String body) throws ProbeException {
        ResolveResult r = Wire.read(body, ResolveResult.class).orElseThrow(
                () -> new ProbeException(ErrorKind.PROTOCOL, "not /resolve JSON: " + EchoJson.cap(body)));
        return new Observation(List.of(), r.addresses() == null ? List.of() : r.addresses(),
                r.error() == null ? null : r.error().kind() + ": " + r.error().message(),
                r.matchedName(), r.source());
    }
}

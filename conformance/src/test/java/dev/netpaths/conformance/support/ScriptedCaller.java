package dev.netpaths.conformance.support;

import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallRequest;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.Observation;
import dev.netpaths.conformance.probe.ProbeException;
import java.time.Duration;

/**
 * A caller pod whose {@code /call} answers come from a script (each {@link CallRequest} → the {@link Observation}
 * the test wants), for the run tests that decide what each poll sees. It has no raw {@code get}: a test that
 * reaches it has asked something other than {@code /call}, and fails saying what.
 */
public final class ScriptedCaller implements CallerChannel {

    /** What the caller answers to one {@code /call}. */
    @FunctionalInterface
    public interface Script {
        Observation answer(Topology.Pod caller, CallRequest request) throws ProbeException;
    }

    private final Script script;

    private ScriptedCaller(Script script) {
        this.script = script;
    }

    public static CallerChannel answering(Script script) {
        return new ScriptedCaller(script);
    }

    @Override
    public String get(Topology.Pod caller, String pathAndQuery, Duration timeout) {
        throw new UnsupportedOperationException("a scripted caller answers /call only, not GET " + pathAndQuery);
    }

    @Override
    public Observation call(Topology.Pod caller, CallRequest request) throws ProbeException {
        return script.answer(caller, request);
    }
}

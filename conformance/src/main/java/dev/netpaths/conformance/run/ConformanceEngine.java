package dev.netpaths.conformance.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.catalogue.PathInstance;
import dev.netpaths.conformance.probe.Json;
import dev.netpaths.conformance.probe.ProbeException;
import dev.netpaths.conformance.report.PathRecord;
import dev.netpaths.conformance.report.ReportListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The catalogue as a JUnit Platform engine: a container per case, a test per concrete path (named after the
 * path, so the JUnit XML names paths, not indexes). Each path publishes its {@link PathRecord} as a report entry.
 */
public final class ConformanceEngine implements TestEngine {

    public static final String ID = "netpaths-conformance";

    private final List<PathCase> cases;
    private final Environment environment;
    private final PathRunner runner;
    private final Set<String> required;

    public ConformanceEngine(List<PathCase> cases, Environment environment, PathRunner runner) {
        this(cases, environment, runner, Set.of());
    }

    /** @param required groups that must run: one whose every path would skip FAILS instead, with the reason */
    public ConformanceEngine(List<PathCase> cases, Environment environment, PathRunner runner, Set<String> required) {
        this.cases = cases;
        this.environment = environment;
        this.runner = runner;
        this.required = required;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId engineId) {
        EngineDescriptor engine = new EngineDescriptor(engineId, "netpaths conformance");
        Map<PathCase, List<PathInstance>> expanded = new LinkedHashMap<>();
        Map<PathCase, RuntimeException> errors = new LinkedHashMap<>();
        for (PathCase c : cases) {
            try {
                expanded.put(c, environment.host().route(c.expand(environment)));
            } catch (RuntimeException e) {
                errors.put(c, e);
            }
        }
        // A required group whose every path would skip cannot pass for "not installed": its paths FAIL.
        for (String group : required) {
            List<PathInstance> paths = expanded.entrySet().stream().filter(e -> e.getKey().group().equals(group))
                    .flatMap(e -> e.getValue().stream()).toList();
            if (!paths.isEmpty() && paths.stream().allMatch(p -> p.skip() != null)) {
                expanded.replaceAll((c, list) -> !c.group().equals(group) ? list : list.stream()
                        .map(p -> p.failing("group " + group + " is required but cannot run here: " + p.skip()))
                        .toList());
            }
        }
        for (PathCase c : cases) {
            Node caseNode = new Node(engineId.append("case", c.name()), c.name(), TestDescriptor.Type.CONTAINER,
                    null, null);
            engine.addChild(caseNode);
            try {
                if (errors.containsKey(c)) {
                    throw errors.get(c);
                }
                Set<String> names = new HashSet<>();
                for (PathInstance path : expanded.get(c)) {
                    String name = names.add(path.displayName()) ? path.displayName()
                            : path.displayName() + " #" + names.size();
                    caseNode.addChild(new Node(caseNode.getUniqueId().append("path", name), name,
                            TestDescriptor.Type.TEST, path, null));
                }
            } catch (RuntimeException e) {
                caseNode.addChild(new Node(caseNode.getUniqueId().append("path", "expand"), c.name(),
                        TestDescriptor.Type.TEST, null,
                        "could not resolve the case against the discovered cluster: " + e));
            }
        }
        return engine;
    }

    /**
     * Every path in order through one measuring lane (run/PathScheduler): the failing polls of converging paths
     * are waited out beside it. A path is started in the lane and finished in the catalogue's order, so the
     * progress lines, report.json and the JUnit XML keep that order.
     */
    @Override
    public void execute(ExecutionRequest request) {
        EngineExecutionListener listener = request.getEngineExecutionListener();
        TestDescriptor engine = request.getRootTestDescriptor();
        listener.executionStarted(engine);
        List<TestDescriptor> caseNodes = new ArrayList<>(engine.getChildren());
        List<Node> nodes = new ArrayList<>();
        List<TestDescriptor> parents = new ArrayList<>();
        for (TestDescriptor caseNode : caseNodes) {
            if (caseNode.getChildren().isEmpty()) {
                listener.executionStarted(caseNode);
                listener.executionFinished(caseNode, TestExecutionResult.successful());
            }
            for (TestDescriptor child : caseNode.getChildren()) {
                nodes.add((Node) child);
                parents.add(caseNode);
            }
        }
        List<PathInstance> probed = nodes.stream().map(n -> probes(n.path) ? n.path : null).toList();
        new PathScheduler(runner, environment.settings().convergeSeconds()).run(probed, i -> {
            if (i == 0 || parents.get(i) != parents.get(i - 1)) {
                listener.executionStarted(parents.get(i));
            }
            listener.executionStarted(nodes.get(i));
        }, (i, outcome) -> {
            listener.executionFinished(nodes.get(i), finish(nodes.get(i), outcome, listener));
            if (i == nodes.size() - 1 || parents.get(i) != parents.get(i + 1)) {
                listener.executionFinished(parents.get(i), TestExecutionResult.successful());
            }
        });
        listener.executionFinished(engine, TestExecutionResult.successful());
    }

    /** Whether a path is probed at all (not broken, skipped, failed by discovery or a discovery check). */
    private static boolean probes(PathInstance path) {
        return path != null && path.skip() == null && path.fail() == null && path.request() != null;
    }

    private TestExecutionResult finish(Node node, PathScheduler.Outcome outcome, EngineExecutionListener listener) {
        PathInstance path = node.path;
        if (path == null) {
            return TestExecutionResult.failed(new AssertionFailedError(node.broken));
        }
        if (path.skip() != null) {
            publish(listener, node, PathRecord.of(path, null, 0));
            return TestExecutionResult.aborted(new TestAbortedException(path.skip()));
        }
        if (path.fail() != null) {
            publish(listener, node, PathRecord.of(path, null, 0));
            return TestExecutionResult.failed(new AssertionFailedError(path.fail()));
        }
        if (path.request() == null) {
            publish(listener, node, PathRecord.of(path, null, 0)); // a discovery check that found nothing wrong
            return TestExecutionResult.successful();
        }
        if (outcome.crash() != null) {
            // Whatever goes wrong in one path is that path's failure, never the run's.
            publish(listener, node, PathRecord.of(path, null, 0).took(outcome.millis()));
            return TestExecutionResult.failed(new AssertionFailedError("the harness failed on this path: "
                    + outcome.crash() + ". Likely cause: a harness defect on this path's answer (please report it "
                    + "with report.json)"));
        }
        if (outcome.probeError() != null) {
            ProbeException e = outcome.probeError();
            publish(listener, node, PathRecord.of(path, null, 0).took(outcome.millis()));
            return TestExecutionResult.failed(new AssertionFailedError(path.request().source()
                    + " could not be asked to probe (" + e.kind() + "): " + e.getMessage()
                    + ". Likely cause: lab: no route from the host to the pod network; cluster: the context may not "
                    + "use pods/proxy, or the caller pod is not ready"));
        }
        PathRunner.Result result = outcome.result();
        publish(listener, node, PathRecord.of(result.note() == null ? path : path.withNote(result.note()),
                result.observation(), result.runs()).took(outcome.millis()));
        return result.passed() ? TestExecutionResult.successful()
                : TestExecutionResult.failed(new AssertionFailedError(String.join("; ", result.problems())
                        + ". Likely cause: " + path.hint()));
    }

    private static void publish(EngineExecutionListener listener, Node node, PathRecord record) {
        try {
            listener.reportingEntryPublished(node, ReportEntry.from(ReportListener.ENTRY_KEY,
                    Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(record)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A case (container) or a path (test); {@code broken} explains a case that could not be expanded. */
    static final class Node extends AbstractTestDescriptor {
        private final Type type;
        final PathInstance path;
        final String broken;

        Node(UniqueId id, String name, Type type, PathInstance path, String broken) {
            super(id, name);
            this.type = type;
            this.path = path;
            this.broken = broken;
        }

        @Override
        public Type getType() {
            return type;
        }
    }
}

package dev.netpaths.conformance.run;

import dev.netpaths.conformance.catalogue.EntryApi;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.discovery.DataPlane;
import dev.netpaths.conformance.discovery.Rollout;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.ClientWarmUp;
import dev.netpaths.conformance.report.PathRecord;
import dev.netpaths.conformance.report.ReportListener;
import dev.netpaths.conformance.report.Reports;
import dev.netpaths.conformance.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/** Runs the selected cases on the JUnit Platform and writes every report into one directory. */
public final class Conformance {

    /** Namespaces whose pods are drawn in the topology picture. */
    static final Set<String> DRAWN_NAMESPACES = Set.of("netpaths", "netpaths-other");

    /** Enough requests for the JIT to compile the host probe's client; bounded in time on a slow machine. */
    static final int WARM_UP_REQUESTS = 3000;
    static final java.time.Duration WARM_UP_BUDGET = java.time.Duration.ofSeconds(5);

    private Conformance() {}

    /** @param progress receives a line per finished path */
    public static RunReport run(List<PathCase> cases, Environment env, CallerChannel channel, String mode,
                                Path reportsDir, PrintWriter progress) throws IOException {
        return run(cases, env, channel, mode, reportsDir, progress, Set.of());
    }

    /** @param required the groups this run expects to run (stated up front; one that cannot run FAILS) */
    public static RunReport run(List<PathCase> cases, Environment env, CallerChannel channel, String mode,
                                Path reportsDir, PrintWriter progress, Set<String> required) throws IOException {
        return run(cases, env, channel, mode, reportsDir, progress, required, null);
    }

    /**
     * @param dataPlane the data-plane choices the cluster was created with (discovery/DataPlane): printed first and
     *                  written to report.json {@code run.dataPlane}; null when not known
     */
    public static RunReport run(List<PathCase> cases, Environment env, CallerChannel channel, String mode,
                                Path reportsDir, PrintWriter progress, Set<String> required,
                                DataPlane dataPlane) throws IOException {
        return run(cases, env, channel, mode, reportsDir, progress, required, dataPlane, null);
    }

    /** @param rollout how the disruption group rolls echo (discovery/Rollout); null: its rows FAIL saying so */
    public static RunReport run(List<PathCase> cases, Environment env, CallerChannel channel, String mode,
                                Path reportsDir, PrintWriter progress, Set<String> required,
                                DataPlane dataPlane, Rollout rollout) throws IOException {
        java.util.Map<String, String> recorded = dataPlane == null ? null : dataPlane.asReport();
        if (recorded != null) {
            progress.println("data plane: " + RunReport.dataPlaneLine(recorded));
        }
        progress.println("required groups (a group here that cannot run FAILS): "
                + (required.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(required))));
        progress.flush();
        String started = Instant.now().toString();
        List<String> hostAddresses = HostReachability.localAddresses(); // as the run starts: probes use them
        ClientWarmUp.run(WARM_UP_REQUESTS, WARM_UP_BUDGET);
        // Only this engine runs: no class-path scanning, no other engines (the jar also runs without Maven).
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestEngineAutoRegistration(false).enableLauncherSessionListenerAutoRegistration(false)
                .enableTestExecutionListenerAutoRegistration(false).enablePostDiscoveryFilterAutoRegistration(false)
                .addTestEngines(new ConformanceEngine(cases, env, new PathRunner(channel, env.settings(), rollout, progress), required))
                .build());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectUniqueId(UniqueId.forEngine(ConformanceEngine.ID))).build();
        ReportListener listener = new ReportListener();
        StringWriter xmlErrors = new StringWriter();
        launcher.execute(request, listener, new ProgressListener(progress),
                new LegacyXmlReportGeneratingListener(reportsDir, new PrintWriter(xmlErrors)));
        List<PathRecord> records = new ArrayList<>(listener.cases());
        if (!xmlErrors.toString().isBlank()) {
            records.add(PathRecord.harnessFailure("junitXmlReport", xmlErrors.toString()));
        }
        Topology a = env.cluster();
        RunReport report = new RunReport(
                new RunReport.Run(started, Instant.now().toString(), mode, a.cluster(),
                        env.peer().map(Topology::cluster).orElse(null), a.cni().name(),
                        a.cni().enforcesNetworkPolicy() == null ? "unknown"
                                : a.cni().enforcesNetworkPolicy() ? "enforced" : "not-enforced",
                        a.platform(), hostAddresses, List.copyOf(new java.util.TreeSet<>(required)), recorded),
                view(env), records, RunReport.Summary.of(records));
        Reports.write(reportsDir, report);
        return report;
    }

    static RunReport.TopologyView view(Environment env) {
        Topology t = env.cluster();
        List<RunReport.NodeView> nodes = t.nodes().stream().map(n -> new RunReport.NodeView(n.name(), n.internalIp(),
                n.role(), t.pods().stream()
                        .filter(p -> n.name().equals(p.node()) && DRAWN_NAMESPACES.contains(p.namespace()))
                        .map(p -> new RunReport.PodView(p.namespace(), p.name(), p.ip(), p.app(), p.version()))
                        .toList())).toList();
        List<RunReport.EntryView> entries = new ArrayList<>();
        for (EntryApi api : EntryApi.values()) {
            EntryApi.Address address = api.address(t);
            if (address.ip() != null) {
                entries.add(new RunReport.EntryView("entry:" + api.prefix, api.host, address.ip()));
            }
        }
        t.service("netpaths", "echo-lb").flatMap(s -> s.loadBalancerIps().stream().findFirst())
                .ifPresent(ip -> entries.add(new RunReport.EntryView("entry:loadbalancer", "echo-lb", ip)));
        env.peer().ifPresent(b -> entries.add(new RunReport.EntryView("peer", "cluster " + b.cluster(), null)));
        return new RunReport.TopologyView(nodes, entries);
    }
}

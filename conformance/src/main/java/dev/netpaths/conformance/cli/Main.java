package dev.netpaths.conformance.cli;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.LabCluster;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.ApiProxyCallerChannel;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.DirectCallerChannel;
import dev.netpaths.conformance.report.ConsoleMatrix;
import dev.netpaths.conformance.report.Reports;
import dev.netpaths.conformance.report.RunReport;
import dev.netpaths.conformance.run.Conformance;
import dev.netpaths.conformance.run.HostReachability;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The harness CLI. Exit status: 0 every path passed or skipped with a reason, 1 anything unexpected, 2 usage. */
@Command(name = "netpaths-conformance", mixinStandardHelpOptions = true, version = "netpaths-conformance 0.1.0",
        subcommands = CheckReport.class, sortOptions = false,
        description = "Proves how traffic moves in a Kubernetes cluster (or the netpaths lab): runs the path "
                + "catalogue and writes a console matrix, JUnit XML, report.json and report.html.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:every path passed or was skipped with a reason", "1:a path had an unexpected result",
                "2:usage error"})
public final class Main implements Callable<Integer> {

    /** Caller-service's port (docs/architecture.md). */
    static final int CALLER_PORT = 8080;

    @Spec
    CommandSpec spec;

    @Option(names = "--kube-context", paramLabel = "NAME", description = "kube context of cluster A (default: current)")
    String kubeContext;

    @Option(names = "--lab-state", paramLabel = "DIR",
            description = "lab mode: DIR/<cluster>/cluster.yaml per cluster (first = A, second = peer B)")
    Path labState;

    @Option(names = "--peer-context", paramLabel = "NAME", description = "kube context of a second (peer) cluster")
    String peerContext;

    @Option(names = "--reports", paramLabel = "DIR", description = "report directory (default: reports/<timestamp>)")
    Path reports;

    @Option(names = "--case", paramLabel = "GLOB",
            description = "run only cases whose name or group matches (repeatable)")
    List<String> caseGlobs = new ArrayList<>();

    @Option(names = "--list", description = "print the catalogue and exit")
    boolean list;

    @Option(names = "--compare", paramLabel = "DIR", arity = "2..*",
            description = "write compare.html (into --reports) from earlier runs' report directories")
    List<Path> compare;

    @Option(names = "--converge-seconds", paramLabel = "S", defaultValue = "30",
            description = "bounded wait for external paths to succeed 3 times in a row (default: ${DEFAULT-VALUE})")
    int convergeSeconds;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        // A cluster that cannot be read is an unexpected result (1), said in one line rather than a stack trace.
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cli, parsed) -> {
            cli.getErr().println("netpaths-conformance: " + e);
            return 1;
        });
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<PathCase> cases = Catalogue.select(caseGlobs);
        if (cases.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no case matches " + caseGlobs + " (see --list)");
        }
        if (list) {
            out.print(CatalogueTable.render(cases));
            return 0;
        }
        Path reportsDir = reports != null ? reports
                : Path.of("reports", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (compare != null) {
            out.println("wrote " + Reports.compare(compare, reportsDir));
            return 0;
        }
        if (labState != null && (kubeContext != null || peerContext != null)) {
            throw new ParameterException(spec.commandLine(), "--lab-state excludes --kube-context and --peer-context");
        }
        Environment.Settings settings = Environment.Settings.DEFAULT.withConvergeSeconds(convergeSeconds);
        RunReport report = labState != null ? runLab(cases, settings, reportsDir) : runCluster(cases, settings,
                reportsDir);
        out.print(ConsoleMatrix.render(report));
        out.println("reports: " + reportsDir.toAbsolutePath());
        return report.summary().failed() > 0 ? 1 : 0;
    }

    private RunReport runLab(List<PathCase> cases, Environment.Settings settings, Path reportsDir) throws Exception {
        List<Path> files = LabCluster.clusterFiles(labState);
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no <cluster>/" + LabCluster.STATE_FILE + " under "
                    + labState);
        }
        try (LabCluster a = LabCluster.load(files.get(0));
             LabCluster b = files.size() > 1 ? LabCluster.load(files.get(1)) : null) {
            Topology ta = new Discovery(a.client()).discover(a.directoryName());
            Optional<Topology> tb = Optional.ofNullable(b)
                    .map(l -> new Discovery(l.client()).discover(l.directoryName()));
            Environment env = new Environment(ta, tb, new HostReachability(), settings);
            return Conformance.run(cases, env, new DirectCallerChannel(CALLER_PORT), "lab", reportsDir,
                    spec.commandLine().getOut());
        }
    }

    private RunReport runCluster(List<PathCase> cases, Environment.Settings settings, Path reportsDir)
            throws Exception {
        try (KubernetesClient a = client(kubeContext);
             KubernetesClient b = peerContext == null ? null : client(peerContext)) {
            Topology ta = new Discovery(a).discover(contextName(a));
            Optional<Topology> tb = Optional.ofNullable(b).map(c -> new Discovery(c).discover(contextName(c)));
            CallerChannel channel = new ApiProxyCallerChannel(a);
            Environment env = new Environment(ta, tb, new HostReachability(), settings);
            return Conformance.run(cases, env, channel, "kube context " + contextName(a), reportsDir,
                    spec.commandLine().getOut());
        }
    }

    private static KubernetesClient client(String context) {
        return new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build();
    }

    private static String contextName(KubernetesClient client) {
        Config config = client.getConfiguration();
        return config.getCurrentContext() != null ? config.getCurrentContext().getName() : config.getMasterUrl();
    }
}

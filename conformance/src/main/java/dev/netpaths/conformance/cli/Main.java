package dev.netpaths.conformance.cli;

import dev.netpaths.conformance.catalogue.Catalogue;
import dev.netpaths.conformance.catalogue.Environment;
import dev.netpaths.conformance.catalogue.Groups;
import dev.netpaths.conformance.catalogue.PathCase;
import dev.netpaths.conformance.discovery.DataPlane;
import dev.netpaths.conformance.discovery.Discovery;
import dev.netpaths.conformance.discovery.ClusterSnapshot;
import dev.netpaths.conformance.discovery.LabState;
import dev.netpaths.conformance.discovery.Rollout;
import dev.netpaths.conformance.discovery.Topology;
import dev.netpaths.conformance.probe.ApiProxyCallerChannel;
import dev.netpaths.conformance.probe.CallerChannel;
import dev.netpaths.conformance.probe.DirectCallerChannel;
import dev.netpaths.conformance.report.ConsoleMatrix;
import dev.netpaths.conformance.report.Reports;
import dev.netpaths.conformance.report.RunReport;
import dev.netpaths.conformance.run.Conformance;
import dev.netpaths.conformance.run.HostPortMapping;
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
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The harness CLI. Exit status: 0 every path passed or skipped with a reason (and at least one passed), 1 anything
 * unexpected, 2 usage.
 */
@Command(name = "netpaths-conformance", mixinStandardHelpOptions = true, version = "netpaths-conformance 0.1.0",
        subcommands = CheckReport.class, sortOptions = false,
        description = "Proves how traffic moves in a Kubernetes cluster (or the netpaths lab): runs the path "
                + "catalogue and writes a console matrix, JUnit XML, report.json and report.html.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:every path passed or was skipped with a reason, and at least one passed",
                "1:a path failed, nothing passed, a required group could not run, or the skips differ from "
                        + "--expect-skips",
                "2:usage error (also: the peer is cluster A itself)"})
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

    @Option(names = "--markdown", description = "with --list: as the Markdown table of conformance/README.md")
    boolean markdown;

    @Option(names = "--compare", paramLabel = "DIR", arity = "2..*",
            description = "write compare.html (into --reports) from earlier runs' report directories")
    List<Path> compare;

    @Option(names = "--converge-seconds", paramLabel = "S", defaultValue = "30",
            description = "bounded wait for external paths to succeed 3 times in a row (default: ${DEFAULT-VALUE})")
    int convergeSeconds;

    @Option(names = "--require", paramLabel = "all|GROUP,...",
            description = "groups that must run: one that cannot run at all FAILS (default: every group whose "
                    + "objects exist in the cluster)")
    String require;

    @Option(names = "--expect-skips", paramLabel = "none|GLOB,...|FILE",
            description = "the paths this run may skip (globs over case, group or path key; a file of globs): any "
                    + "other skip, or an expected skip that ran, exits 1. E.g. cross-cluster for a one-cluster run")
    String expectSkips;

    @Option(names = "--docker-desktop",
            description = "the cluster runs in Docker Desktop, which routes no node or LoadBalancer address to this "
                    + "host: probe the host port mappings the cluster records (ConfigMap kube-system/"
                    + "netpaths-data-plane) on 127.0.0.1 instead, labelled \"via the host port mapping\"; skip the "
                    + "rest (scripts/cluster/conformance.sh sets it when docker info says Docker Desktop). Without "
                    + "it the mapping is used for targets found unroutable")
    boolean dockerDesktop;

    @Option(names = "--lab-cli", paramLabel = "PATH",
            description = "lab mode: the lab's CLI (scripts/lab/lab.sh) the disruption group rolls echo with; "
                    + "scripts/lab/lab.sh case gives it. On a real cluster kubectl does (--kube-context)")
    Path labCli;

    /** The longest a rollout (or a change of echo's drain) may take. */
    static final java.time.Duration ROLLOUT_TIMEOUT = java.time.Duration.ofSeconds(600);

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
        // --list without --case lists every case, the opt-in groups too (a run leaves those out unless named)
        List<PathCase> cases = list && caseGlobs.isEmpty() ? Catalogue.CASES : Catalogue.select(caseGlobs);
        if (cases.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no case matches " + caseGlobs + " (see --list)");
        }
        if (list) {
            out.print(markdown ? CatalogueTable.markdown(cases) : CatalogueTable.render(cases));
            out.flush();
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
        if (labCli != null && labState == null) {
            throw new ParameterException(spec.commandLine(), "--lab-cli needs --lab-state (on a real cluster kubectl "
                    + "rolls echo)");
        }
        if (labCli != null && !java.nio.file.Files.isExecutable(labCli)) {
            throw new ParameterException(spec.commandLine(), "--lab-cli " + labCli + " is not an executable file");
        }
        Environment.Settings settings = Environment.Settings.DEFAULT.withConvergeSeconds(convergeSeconds);
        SkipExpectation skips = expectSkips == null ? null : SkipExpectation.parse(expectSkips);
        if (require != null) {
            try {
                SkipExpectation.groups(require);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--require: " + e.getMessage());
            }
        }
        RunReport report = labState != null ? runLab(cases, settings, reportsDir) : runCluster(cases, settings,
                reportsDir);
        out.print(ConsoleMatrix.render(report));
        out.println("reports: " + reportsDir.toAbsolutePath());
        int status = report.summary().failed() > 0 ? 1 : 0;
        if (report.summary().passed() == 0) {
            out.println("netpaths-conformance: nothing passed (" + report.summary().skipped() + " skipped, "
                    + report.summary().failed() + " failed): a run that proves nothing is not a success");
            status = 1;
        }
        if (skips != null) {
            List<String> problems = skips.problems(report.cases());
            problems.forEach(p -> out.println("netpaths-conformance: --expect-skips: " + p));
            if (!problems.isEmpty()) {
                status = 1;
            }
        }
        return status;
    }

    /** The groups this run requires: --require, or those whose objects exist. */
    private Set<String> required(Environment env, List<PathCase> cases) {
        Set<String> selected = cases.stream().map(PathCase::group).collect(java.util.stream.Collectors.toSet());
        Set<String> groups = new java.util.TreeSet<>(require == null ? Groups.present(env)
                : SkipExpectation.groups(require));
        groups.retainAll(selected);
        return groups;
    }

    /**
     * Refuses a peer that is cluster A itself (same name, API server or nodes): its answers would "prove" the
     * cross-cluster paths with A's own pods.
     */
    void refuseSelfPeer(Topology a, Topology b) {
        String why = a.cluster().equals(b.cluster()) ? "both report cluster name " + a.cluster()
                + " (give cluster B its own CLUSTER_NAME)"
                : a.apiServer() != null && a.apiServer().equals(b.apiServer()) ? "both use API server " + a.apiServer()
                : !a.nodes().isEmpty() && nodeSet(a).equals(nodeSet(b)) ? "both have the nodes " + nodeSet(a)
                : null;
        if (why != null) {
            throw new ParameterException(spec.commandLine(), "the peer is cluster A itself: " + why);
        }
    }

    private static Set<String> nodeSet(Topology t) {
        return t.nodes().stream().map(n -> n.name() + "/" + n.internalIp())
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    private RunReport runLab(List<PathCase> cases, Environment.Settings settings, Path reportsDir) throws Exception {
        List<Path> files = LabState.clusterFiles(labState);
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no <cluster>/" + LabState.STATE_FILE + " under "
                    + labState);
        }
        ClusterSnapshot a = LabState.read(files.get(0));
        Topology ta = new Discovery(a).discover(LabState.clusterName(files.get(0)));
        Optional<Topology> tb = files.size() < 2 ? Optional.empty()
                : Optional.of(new Discovery(LabState.read(files.get(1))).discover(LabState.clusterName(files.get(1))));
        tb.ifPresent(peer -> refuseSelfPeer(ta, peer));
        DataPlane dataPlane = DataPlane.discover(a);
        Environment env = new Environment(ta, tb, hostNetwork(dataPlane, ta), settings);
        return Conformance.run(cases, env, new DirectCallerChannel(CALLER_PORT), "lab", reportsDir,
                spec.commandLine().getOut(), required(env, cases), dataPlane,
                labCli == null ? null : Rollout.labCli(labCli.toAbsolutePath(), ROLLOUT_TIMEOUT));
    }

    private RunReport runCluster(List<PathCase> cases, Environment.Settings settings, Path reportsDir)
            throws Exception {
        try (KubernetesClient a = client(kubeContext);
             KubernetesClient b = peerContext == null ? null : client(peerContext)) {
            ClusterSnapshot snapshot = ClusterSnapshot.read(a);
            Topology ta = discoverConverged(a, snapshot, settings);
            Optional<Topology> tb = Optional.ofNullable(b)
                    .map(c -> discoverConverged(c, ClusterSnapshot.read(c), settings));
            tb.ifPresent(peer -> refuseSelfPeer(ta, peer));
            // the callers are reached through the API server's pod proxy: the channel keeps the live client
            CallerChannel channel = new ApiProxyCallerChannel(a);
            DataPlane dataPlane = DataPlane.discover(snapshot);
            Environment env = new Environment(ta, tb, hostNetwork(dataPlane, ta), settings);
            return Conformance.run(cases, env, channel, "kube context " + contextName(a), reportsDir,
                    spec.commandLine().getOut(), required(env, cases), dataPlane,
                    Rollout.kubectl(kubeContext, ROLLOUT_TIMEOUT));
        }
    }

    /** How this host reaches cluster A's addresses: directly, or through the host port mapping it records. */
    private Environment.HostNetwork hostNetwork(DataPlane dataPlane, Topology a) {
        return HostPortMapping.of(dockerDesktop ? HostPortMapping.dockerDesktop() : new HostReachability(), dataPlane,
                a);
    }

    /**
     * Discovery, repeated (bounded by the convergence window) while an entry point that exists has no address
     * yet: an Ingress, Gateway or LoadBalancer Service still without one after the window FAILS its paths.
     */
    private Topology discoverConverged(KubernetesClient client, ClusterSnapshot first, Environment.Settings settings) {
        long deadline = System.nanoTime() + settings.convergeSeconds() * 1_000_000_000L;
        Topology t = new Discovery(first).discover(contextName(client));
        while (!Discovery.pendingAddresses(t).isEmpty() && System.nanoTime() < deadline) {
            spec.commandLine().getOut().println("waiting for addresses: " + Discovery.pendingAddresses(t));
            spec.commandLine().getOut().flush();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            t = new Discovery(ClusterSnapshot.read(client)).discover(contextName(client));
        }
        return t;
    }

    private static KubernetesClient client(String context) {
        return new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build();
    }

    private static String contextName(KubernetesClient client) {
        Config config = client.getConfiguration();
        return config.getCurrentContext() != null ? config.getCurrentContext().getName() : config.getMasterUrl();
    }
}

package dev.netpaths.lab.cli;

import dev.netpaths.lab.Lab;
import dev.netpaths.lab.LabConfig;
import dev.netpaths.lab.LabException;
import dev.netpaths.lab.LabStatus;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.CniKind;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.rootless.RootlessLab;
import dev.netpaths.lab.rootless.RootlessMode;
import dev.netpaths.lab.rootless.StateDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code netpaths-lab up|down|status|run}: one Kubernetes cluster's data plane in network namespaces (docs/lab.md). */
@Command(name = "netpaths-lab", mixinStandardHelpOptions = true, version = "netpaths-lab 0.1.0",
        description = "One Kubernetes cluster's data plane from network namespaces, with the real CNI plugins, "
                + "kube-proxy-shaped iptables and the real services. As root it uses the machine's namespaces; "
                + "otherwise (or with --rootless=yes) it lives in user, mount and network namespaces of its own.",
        subcommands = {LabCli.Up.class, LabCli.Down.class, LabCli.Status.class, LabCli.Run.class,
                LiveVerbs.Get.class, LiveVerbs.Delete.class, LiveVerbs.Scale.class, LiveVerbs.Rollout.class,
                LiveVerbs.Disruption.class})
public final class LabCli {
    /** Exit code for a failed lab step (2 is picocli's for bad usage). */
    static final int FAILED = 1;

    /** Options every subcommand shares. */
    static final class Common {
        @Spec(Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--prefix", defaultValue = "np", description = "Prefix of every namespace and interface (default: ${DEFAULT-VALUE}).")
        String prefix;

        @Option(names = "--state-dir", description = "Journal, logs, cluster.yaml (default as root: /run/netpaths-lab, or "
                + "/run/netpaths-lab-<prefix> for another prefix; rootless: $XDG_STATE_HOME or ~/.local/state, same names).")
        Path stateDir;

        @Option(names = "--rootless", defaultValue = "auto", description = "auto (rootless when not root: the lab in user, mount and network namespaces of its own), yes or no (root only); env LAB_ROOTLESS (default: ${DEFAULT-VALUE}).")
        String rootless;

        /** Whether this command runs the lab rootless (the mode, applied to who runs it). */
        boolean rootless() {
            try {
                return RootlessMode.parse(rootless).rootless(isRoot());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        Path stateDir() {
            return stateDir(rootless(), System::getenv);
        }

        Path stateDir(boolean rootlessLab, java.util.function.UnaryOperator<String> env) {
            if (stateDir != null) {
                return stateDir;
            }
            try {
                return StateDirs.defaultFor(prefix, rootlessLab, env);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    /** Options that shape a lab. */
    static final class Shape {
        @Spec(Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--cni", defaultValue = "flannel", description = "flannel, calico or weave (default: ${DEFAULT-VALUE}).")
        String cni;

        @Option(names = "--nodes", defaultValue = "3", description = "Nodes per cluster, control plane included (default: ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--clusters", defaultValue = "1", description = "1, or 2 for a second cluster netpaths-b on the same node network (default: ${DEFAULT-VALUE}).")
        int clusters;

        @Option(names = "--repo", description = "The netpaths checkout: manifests and jars (default: the current directory).")
        Path repo;

        @Option(names = "--manifests", description = "Apply these YAML files/directories instead of k8s/overlays/kind + gateway-config.")
        List<Path> manifests = new ArrayList<>();

        LabConfig config(Common common) {
            try {
                Path r = (repo != null ? repo : Path.of("")).toAbsolutePath().normalize();
                return new LabConfig(CniKind.parse(cni), nodes, clusters, common.prefix, common.stateDir(), r, manifests);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Command(name = "up", description = "Build the nodes, wire the CNI, deploy the manifests, wait until every pod is ready.")
    static final class Up implements Callable<Integer> {
        @Mixin Common common;
        @Mixin Shape shape;

        @Override
        public Integer call() {
            LabConfig cfg = shape.config(common);
            return guarded(common, lab -> lab.upOrRun(ARGS), () -> up(cfg) ? 0 : FAILED);
        }
    }

    @Command(name = "down", description = "Remove everything the lab recorded (processes, namespaces, files), also after a crash.")
    static final class Down implements Callable<Integer> {
        @Mixin Common common;

        @Override
        public Integer call() {
            return guarded(common, lab -> lab.down(ARGS), () -> {
                double s = new Lab(System.out).down(common.stateDir(), common.prefix);
                List<String> left = Lab.namespacesOf(common.prefix);
                System.out.printf("lab: down in %.1f s%s%n", s, left.isEmpty() ? "" : "; namespaces left: " + left);
                return left.isEmpty() ? 0 : FAILED;
            });
        }
    }

    @Command(name = "status", description = "Nodes, pods, Services with endpoints, entry points.")
    static final class Status implements Callable<Integer> {
        @Mixin Common common;

        @Override
        public Integer call() {
            if (common.rootless() && !RootlessLab.inside()) {
                return guardedRootless(common, RootlessLab::status, b -> b ? 0 : FAILED);
            }
            return LabStatus.print(common.stateDir(), System.out) ? 0 : FAILED;
        }
    }

    @Command(name = "run", description = "up, then the conformance harness in the host namespace, then down (unless --keep).")
    static final class Run implements Callable<Integer> {
        @Mixin Common common;
        @Mixin Shape shape;

        @Option(names = "--keep", description = "Keep the lab after the harness (default: tear it down).")
        boolean keep;

        @Option(names = "--reports", description = "Where the harness writes its reports (default: <repo>/reports/lab-<cni>).")
        Path reports;

        @Override
        public Integer call() {
            LabConfig cfg = shape.config(common);
            Path reportDir = (reports != null ? reports : cfg.repo().resolve("reports/lab-" + cfg.cni().id())).toAbsolutePath().normalize();
            requireWritable(reportDir);
            return guarded(common, lab -> lab.upOrRun(ARGS), () -> {
                int rc;
                try {
                    // pods that failed stay failed, as on a cluster: the harness reports the paths they break
                    up(cfg);
                    rc = harness(cfg, reportDir);
                } finally {
                    if (!keep) {
                        System.out.printf("lab: down in %.1f s%n", new Lab(System.out).down(cfg.stateDir(), cfg.prefix()));
                    }
                }
                return rc;
            });
        }
    }

    /** Fails before anything is built when the harness could not write its reports (the nearest existing parent decides). */
    static void requireWritable(Path reportDir) {
        Path existing = reportDir;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !java.nio.file.Files.isWritable(existing)) {
            throw new LabException("the harness could not write its reports to " + reportDir + " (" + existing
                    + " is not writable by this user): set LAB_REPORTS (or --reports) to a directory you can write");
        }
    }

    /** Brings the lab up and prints status and figures; false when a pod failed (the lab is kept for inspection). */
    static boolean up(LabConfig cfg) {
        Lab.UpFigures f = new Lab(System.out).up(cfg);
        LabStatus.print(cfg.stateDir(), System.out);
        System.out.printf("%nFIGURES (benchmark, not asserted)%n  %s %.1f s after start%n  RSS per pod (resident pages of its processes, a page they share counted once):%n",
                f.failed().isEmpty() ? "all pods ready" : "pods settled", f.readySeconds());
        f.rssLines().forEach(System.out::println);
        System.out.printf("  largest pod %.1f MB%n", f.maxRssKb() / 1024.0);
        if (!f.failed().isEmpty()) {
            System.out.println("lab: pods failed (the lab stays up; see the messages above): " + String.join(", ", f.failed()));
        }
        return f.failed().isEmpty();
    }

    /** The harness, inside the host namespace (kind's Docker host): its exit code is run's. */
    static int harness(LabConfig cfg, Path reports) {
        Path jar = cfg.repo().resolve("conformance/target/netpaths-conformance.jar");
        if (!Files.isRegularFile(jar)) {
            System.out.println("lab: no harness at " + jar + " (build it with `mvn -B -ntp -q -pl conformance package -DskipTests`); skipping it");
            return 0;
        }
        List<String> cmd = List.of(Sh.inNs(AddressPlan.hostNs(cfg.prefix()), "java", "-jar", jar.toString(),
                "--lab-state", cfg.stateDir().toString(), "--reports", reports.toString()));
        System.out.println("lab: " + String.join(" ", cmd));
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new LabException("cannot run the harness: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a subcommand that changes the machine: as root (or inside a rootless lab's namespaces) the body itself;
     * in rootless mode outside, the rootless wrapper, which runs this same command line inside the namespaces.
     */
    static int guarded(Common common, java.util.function.ToIntFunction<RootlessLab> rootless, Callable<Integer> body) {
        if (RootlessLab.inside()) {
            return report(() -> {
                RootlessLab.checkInside();
                return body.call();
            });
        }
        if (common.rootless()) {
            return guardedRootless(common, rootless::applyAsInt, rc -> rc);
        }
        if (!isRoot()) {
            System.err.println("netpaths-lab: --rootless=no (LAB_ROOTLESS=no) and not root: this lab uses the machine's own namespaces"
                    + " and needs root: it creates network namespaces, veths and iptables rules.");
            System.err.println("  run: sudo java -jar lab/target/netpaths-lab.jar " + String.join(" ", ARGS)
                    + "   (or: sudo scripts/lab/lab.sh up|run|down|status), or drop LAB_ROOTLESS=no to run it rootless");
            return FAILED;
        }
        return report(body);
    }

    /** The rootless wrapper; a lab that cannot run rootless here says why and how to fix it, and nothing was created. */
    static <T> int guardedRootless(Common common, java.util.function.Function<RootlessLab, T> action, java.util.function.ToIntFunction<T> exit) {
        try {
            RootlessLab lab = new RootlessLab(common.stateDir(), common.prefix, System.out);
            return report(() -> exit.applyAsInt(action.apply(lab)));
        } catch (IllegalArgumentException e) {
            System.err.println("netpaths-lab: " + e.getMessage());
            return FAILED;
        }
    }

    /** Error reporting shared by the subcommands. */
    static int report(Callable<Integer> body) {
        try {
            return body.call();
        } catch (RootlessLab.Impossible | dev.netpaths.lab.live.Refused e) {
            System.err.println("netpaths-lab: " + e.getMessage());
            return FAILED;
        } catch (LabException e) {
            System.err.println("netpaths-lab: " + e.getMessage());
            System.err.println("netpaths-lab: what was created is kept for inspection; `scripts/lab/lab.sh down` removes it");
            return FAILED;
        } catch (Exception e) {
            System.err.println("netpaths-lab: " + e);
            e.printStackTrace();
            return FAILED;
        }
    }

    static boolean isRoot() {
        return Sh.tryRun(Duration.ofSeconds(5), "id", "-u").out().strip().equals("0");
    }

    static List<String> ARGS = List.of();

    public static void main(String[] args) {
        // fabric8 logs through SLF4J and the CLI ships no binding: silence SLF4J's "no providers" notice
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        ARGS = List.of(args);
        System.exit(new CommandLine(new LabCli()).setDefaultValueProvider(new EnvDefaults(System::getenv))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // refused before anything was created (e.g. an unwritable report dir): the reason, no stack trace
                    if (e instanceof LabException) {
                        System.err.println("netpaths-lab: " + e.getMessage());
                        return FAILED;
                    }
                    throw e;
                })
                .execute(args));
    }

    /**
     * Defaults from the LAB_* environment variables the scripts and the Makefile document. An empty variable
     * counts as unset, as in the scripts' {@code ${LAB_NODES:-3}}: picocli's own {@code ${env:X:-d}} would
     * hand the option an empty string.
     */
    static final class EnvDefaults implements CommandLine.IDefaultValueProvider {
        private static final java.util.Map<String, String> VARIABLE_BY_OPTION = java.util.Map.of(
                "--prefix", "LAB_PREFIX", "--cni", "LAB_CNI", "--nodes", "LAB_NODES", "--clusters", "LAB_CLUSTERS",
                "--state-dir", "LAB_STATE_DIR", "--rootless", "LAB_ROOTLESS", "--reports", "LAB_REPORTS");
        private final java.util.function.UnaryOperator<String> env;

        EnvDefaults(java.util.function.UnaryOperator<String> env) {
            this.env = env;
        }

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec option)) {
                return null;
            }
            String variable = VARIABLE_BY_OPTION.get(option.longestName());
            String value = variable == null ? null : env.apply(variable);
            return value == null || value.isBlank() ? null : value.trim();
        }
    }
}

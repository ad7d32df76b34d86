package dev.netpaths.lab.cli;

import dev.netpaths.lab.Lab;
import dev.netpaths.lab.LabConfig;
import dev.netpaths.lab.LabException;
import dev.netpaths.lab.LabStatus;
import dev.netpaths.lab.LabTargets;
import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.rootless.RootlessLab;
import dev.netpaths.lab.rootless.RootlessMode;
import dev.netpaths.lab.rootless.StateDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code netpaths-lab up|down|status|...}: one Kubernetes cluster's data plane in network namespaces (docs/lab/README.md).
 * It knows nothing of the conformance harness: scripts/lab/lab.sh runs it in the lab's host namespace ({@code exec host})
 * with the state directory this CLI prints ({@code state-dir}).
 */
@Command(name = "netpaths-lab", mixinStandardHelpOptions = true, version = "netpaths-lab 0.1.0",
        description = "One Kubernetes cluster's data plane from network namespaces, with the real CNI plugins, "
                + "kube-proxy-shaped iptables and the real services. As root it uses the machine's namespaces; "
                + "otherwise (or with --rootless=yes) it lives in user, mount and network namespaces of its own.",
        subcommands = {LabCli.Up.class, LabCli.Down.class, LabCli.Status.class, LabCli.StateDir.class, TargetVerbs.Exec.class,
                TargetVerbs.Rules.class, LiveVerbs.Get.class, LiveVerbs.Apply.class, LiveVerbs.Delete.class, LiveVerbs.Scale.class,
                LiveVerbs.Rollout.class, LiveVerbs.SetEnv.class})
public final class LabCli {
    /** Exit code for a failed lab step (2 is picocli's for bad usage). */
    static final int FAILED = 1;
    /**
     * {@code up}'s exit code when the lab is up but pods failed: kept for inspection and still worth probing (the harness
     * reports the paths they break); scripts/lab/lab.sh's {@code run} goes on to the harness, then fails.
     */
    static final int PODS_FAILED = 3;

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

    @Command(name = "up", description = "Build the nodes, wire the CNI, deploy the manifests, wait until every pod is ready.",
            exitCodeListHeading = "Exit status:%n", exitCodeList = {"0:every pod ready", "1:the lab could not be built",
                    "3:the lab is up, but pods failed (kept for inspection; see `lab: pods failed`)"})
    static final class Up implements Callable<Integer> {
        @Mixin Common common;
        @Mixin Shape shape;

        @Override
        public Integer call() {
            LabConfig cfg = shape.config(common);
            return guarded(common, lab -> lab.up(ARGS), () -> {
                Lab.UpFigures f = new Lab(System.out).up(cfg);
                LabStatus.print(cfg.stateDir(), System.out);
                f.print(System.out);
                return f.failed().isEmpty() ? 0 : PODS_FAILED;
            });
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

    @Command(name = "state-dir", description = "Print the running lab's state directory (each cluster's cluster.yaml is "
            + "under it): what scripts/lab/lab.sh hands the conformance harness as --lab-state. Exit 2 when no lab is recorded there.")
    static final class StateDir implements Callable<Integer> {
        @Mixin Common common;

        @Override
        public Integer call() {
            Path dir = common.stateDir();
            CommandLine cli = common.spec.commandLine();
            try {
                LabTargets.of(dir);
            } catch (LabException e) {
                cli.getErr().println("netpaths-lab: " + e.getMessage());
                cli.getErr().flush();
                return BAD_INPUT;
            }
            cli.getOut().println(dir);
            cli.getOut().flush();
            return 0;
        }
    }

    /** Exit code for a name or state this command cannot act on (an unknown pod, no lab): nothing was run. */
    static final int BAD_INPUT = 2;

    /**
     * Runs a command against the lab that is up: as root (or inside the rootless lab's namespaces) the body; in rootless
     * mode outside, it first checks the input from the state dir (so a bad name fails before anything starts), then
     * runs this same command line inside the holder's namespaces. A lab that is not up, or a bad name, is one line
     * on stderr and exit 2.
     */
    static int inRunningLab(Common common, Callable<?> check, Callable<Integer> body) {
        try {
            if (RootlessLab.inside()) {
                RootlessLab.checkInside();
                return body.call();
            }
            check.call();
            if (common.rootless()) {
                return new RootlessLab(common.stateDir(), common.prefix, System.out).enterRunning(ARGS);
            }
            if (!isRoot()) {
                System.err.println("netpaths-lab: this lab runs in the machine's own namespaces (--rootless=no): entering them needs root;"
                        + " run it with sudo, or use a rootless lab");
                return FAILED;
            }
            return body.call();
        } catch (LabException e) {
            System.err.println("netpaths-lab: " + e.getMessage());
            return BAD_INPUT;
        } catch (IllegalArgumentException e) {
            System.err.println("netpaths-lab: " + e.getMessage());
            return BAD_INPUT;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception e) {
            System.err.println("netpaths-lab: " + e);
            return FAILED;
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
                    // refused before anything was created: the reason, no stack trace
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
                "--state-dir", "LAB_STATE_DIR", "--rootless", "LAB_ROOTLESS");
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

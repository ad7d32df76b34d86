package dev.netpaths.lab.cli;

import dev.netpaths.lab.Lab;
import dev.netpaths.lab.LabConfig;
import dev.netpaths.lab.LabException;
import dev.netpaths.lab.LabStatus;
import dev.netpaths.lab.LabTargets;
import dev.netpaths.lab.Phases;
import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.dataplane.KubeProxyNftRules;
import dev.netpaths.lab.dataplane.KubeProxyRules;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.rootless.RootlessLab;
import dev.netpaths.lab.rootless.RootlessMode;
import dev.netpaths.lab.rootless.StateDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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
        subcommands = {LabCli.Up.class, LabCli.Down.class, LabCli.Status.class, LabCli.StateDir.class, LabCli.Exec.class,
                LabCli.Rules.class, LiveVerbs.Get.class, LiveVerbs.Apply.class, LiveVerbs.Delete.class, LiveVerbs.Scale.class,
                LiveVerbs.Rollout.class, LiveVerbs.Disruption.class})
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
                Lab.UpFigures f = up(cfg);
                printPhases("up", f.phases());
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

    @Command(name = "exec", description = "Run a command inside a pod, a node or the host namespace of the running lab: "
            + "exec POD|NODE|host -- CMD [ARGS...]. POD is namespace/name, name or a unique start of one (see status).")
    static final class Exec implements Callable<Integer> {
        @Mixin Common common;

        @Parameters(index = "0", paramLabel = "POD|NODE|host", description = "where to run it")
        String target;

        @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "the command and its arguments (after --)")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            return inRunningLab(common, () -> LabTargets.of(common.stateDir()).resolve(target), () -> {
                LabTargets.Target t = LabTargets.of(common.stateDir()).resolve(target);
                List<String> cmd = new ArrayList<>(List.of(Sh.inNs(t.netns())));
                cmd.addAll(command);
                try {
                    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
                } catch (java.io.IOException e) {
                    throw new LabException("cannot run " + String.join(" ", command) + " in " + t.label() + ": " + e.getMessage(), e);
                }
            });
        }
    }

    @Command(name = "rules", description = "kube-proxy's rules on a node with their [packets:bytes] counters: with NS/SERVICE that "
            + "Service's entry rules and its KUBE-SVC/SVL/EXT/FW/SEP chains; without, KUBE-SERVICES and KUBE-NODEPORTS. In nftables "
            + "mode (LAB_PROXY_MODE=nftables) the table ip kube-proxy: the Service's map elements and service-/local-/external-/"
            + "firewall-/endpoint- chains; without, the services chain and the maps.")
    static final class Rules implements Callable<Integer> {
        @Mixin Common common;

        @Parameters(index = "0", paramLabel = "NODE", description = "a node name (see status)")
        String node;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NS/SERVICE", description = "a Service, e.g. netpaths/echo")
        String service;

        @Override
        public Integer call() {
            if (service != null && !service.matches("[a-z0-9-]+/[a-z0-9.-]+")) {
                System.err.println("netpaths-lab: rules: name the Service as NAMESPACE/NAME (e.g. netpaths/echo), got '" + service + "'");
                return BAD_INPUT;
            }
            return inRunningLab(common, () -> LabTargets.of(common.stateDir()).node(node), () -> {
                LabTargets.Target t = LabTargets.of(common.stateDir()).node(node);
                if (ProxyMode.recorded(common.stateDir()) == ProxyMode.NFTABLES) {
                    return nftRules(t);
                }
                String header = "# " + t.label() + ", network namespace " + t.netns() + "; kube-proxy mode iptables;"
                        + " [packets:bytes] before each rule (iptables-save -c)";
                String nat = iptablesSave(t, "nat");
                if (service == null) {
                    java.util.Map<String, List<String>> chains = new java.util.LinkedHashMap<>();
                    KubeProxyRules.byChain(nat).forEach((c, r) -> {
                        if (c.equals("KUBE-SERVICES") || c.equals("KUBE-NODEPORTS")) {
                            chains.put(c, r);
                        }
                    });
                    System.out.println(header);
                    System.out.print("## table nat\n" + KubeProxyRules.render(chains));
                    System.out.println("# one Service's chains: rules " + node + " NS/SERVICE, with one of: " + String.join(" ", KubeProxyRules.services(nat)));
                    return 0;
                }
                java.util.Map<String, List<String>> natRules = KubeProxyRules.forService(nat, service);
                java.util.Map<String, List<String>> filterRules = KubeProxyRules.forService(iptablesSave(t, "filter"), service);
                if (natRules.isEmpty() && filterRules.isEmpty()) {
                    throw new BadInput("no kube-proxy rule on " + node + " names " + service + "; Services with rules there: "
                            + String.join(" ", KubeProxyRules.services(nat)));
                }
                System.out.println(header);
                System.out.print("## table nat\n" + KubeProxyRules.render(natRules));
                if (!filterRules.isEmpty()) {
                    System.out.print("## table filter\n" + KubeProxyRules.render(filterRules));
                }
                return 0;
            });
        }

        /** nftables mode: the table ip kube-proxy, each rule with the counter the lab adds (kube-proxy writes none). */
        private int nftRules(LabTargets.Target t) {
            Sh.Result r = Sh.tryRun(Duration.ofSeconds(20), Sh.inNs(t.netns(), "nft", "list", "table", "ip", "kube-proxy"));
            if (!r.ok()) {
                throw new LabException("nft list table ip kube-proxy in " + t.label() + " failed (exit " + r.exit() + "): " + r.err().strip());
            }
            String header = "# " + t.label() + ", network namespace " + t.netns() + "; kube-proxy mode nftables (table ip kube-proxy);"
                    + " each rule's 'counter packets N bytes M' is the lab's addition (nft list table)";
            java.util.Map<String, List<String>> blocks = KubeProxyNftRules.blocks(r.out());
            java.util.Map<String, List<String>> shown = new java.util.LinkedHashMap<>();
            if (service == null) {
                for (String b : List.of("chain services", "map service-ips", "map service-nodeports", "map no-endpoint-services",
                        "map no-endpoint-nodeports", "map firewall-ips")) {
                    if (blocks.containsKey(b)) {
                        shown.put(b, blocks.get(b));
                    }
                }
                System.out.println(header);
                System.out.print(KubeProxyRules.render(shown));
                System.out.println("# one Service's chains: rules " + node + " NS/SERVICE, with one of: "
                        + String.join(" ", KubeProxyNftRules.services(r.out())));
                return 0;
            }
            shown = KubeProxyNftRules.forService(r.out(), service);
            if (shown.isEmpty()) {
                throw new BadInput("no kube-proxy chain or map element on " + node + " names " + service + "; Services with chains there: "
                        + String.join(" ", KubeProxyNftRules.services(r.out())));
            }
            System.out.println(header);
            System.out.print(KubeProxyRules.render(shown));
            return 0;
        }

        private static String iptablesSave(LabTargets.Target t, String table) {
            Sh.Result r = Sh.tryRun(Duration.ofSeconds(20), Sh.inNs(t.netns(), "iptables-save", "-c", "-t", table));
            if (!r.ok()) {
                throw new LabException("iptables-save -t " + table + " in " + t.label() + " failed (exit " + r.exit() + "): " + r.err().strip());
            }
            return r.out();
        }
    }

    /** A name or argument this command cannot act on: said in one line, exit 2, nothing run. */
    static final class BadInput extends LabException {
        BadInput(String message) {
            super(message);
        }
    }

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

    /** Brings the lab up and prints status and figures (failed pods named; the lab is kept for inspection). */
    static Lab.UpFigures up(LabConfig cfg) {
        Lab.UpFigures f = new Lab(System.out).up(cfg);
        LabStatus.print(cfg.stateDir(), System.out);
        System.out.printf("%nFIGURES (benchmark, not asserted)%n  %s %.1f s after start%n  RSS per pod (resident pages of its processes, a page they share counted once):%n",
                f.failed().isEmpty() ? "all pods ready" : "pods settled", f.readySeconds());
        f.rssLines().forEach(System.out::println);
        System.out.printf("  largest pod %.1f MB%n", f.maxRssKb() / 1024.0);
        if (!f.failed().isEmpty()) {
            System.out.println("lab: pods failed (the lab stays up; see the messages above): " + String.join(", ", f.failed()));
        }
        return f;
    }

    /** The per-phase timing table of {@code up} or {@code run}: where the time went. */
    static void printPhases(String command, Phases phases) {
        System.out.printf("%nTIMING of %s (from the start of the new lab; a previous lab's removal not counted)%n", command);
        phases.table().forEach(System.out::println);
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

package dev.netpaths.lab.cli;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.ManifestSource;
import dev.netpaths.lab.api.Manifests;
import dev.netpaths.lab.live.Overlay;
import dev.netpaths.lab.proc.Sh;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.netpaths.lab.live.LiveCluster;
import dev.netpaths.lab.live.Refused;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The verbs that read or change a running lab, in kubectl's words (docs/lab/live.md). */
final class LiveVerbs {
    private LiveVerbs() {
    }

    /** Options of the verbs that change the lab. */
    static final class Change {
        @Option(names = {"-n", "--namespace"}, defaultValue = "netpaths", description = "Namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--cluster", defaultValue = "netpaths", description = "Which cluster of the lab (default: ${DEFAULT-VALUE}).")
        String cluster;

        @Option(names = "--timeout", defaultValue = "180", description = "Seconds to wait until the cluster has settled (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--sync-period", defaultValue = "1000",
                description = "Milliseconds from an EndpointSlice change to the data plane's sync, kube-proxy's --iptables-min-sync-period (default: ${DEFAULT-VALUE}).")
        int syncPeriodMs;

        LiveCluster open(LabCli.Common common) {
            if (timeoutSeconds < 1 || timeoutSeconds > 3600 || syncPeriodMs < 0 || syncPeriodMs > 60_000) {
                throw new Refused("--timeout must be 1..3600 s and --sync-period 0..60000 ms");
            }
            return LiveCluster.open(common.stateDir(), cluster, Duration.ofMillis(syncPeriodMs), System.out);
        }
    }

    /** {@code deployment/NAME} or {@code deployment NAME}, as kubectl takes it. */
    static String deploymentName(String first, String second) {
        String[] typed = first.split("/", 2);
        String kind = typed[0];
        String name = typed.length == 2 ? typed[1] : second;
        if (!kind.equals("deployment") && !kind.equals("deployments") && !kind.equals("deploy")) {
            throw new Refused("the lab scales and restarts Deployments only, got \"" + kind + "\"");
        }
        if (name == null || name.isBlank()) {
            throw new Refused("a Deployment name is required: deployment/NAME");
        }
        return name;
    }

    @Command(name = "get", description = "pods, svc or endpointslices of the running lab, in kubectl's columns (-o wide: IPs, nodes, endpoint conditions).")
    static final class Get implements Callable<Integer> {
        @Mixin LabCli.Common common;

        @Parameters(index = "0", description = "pods, svc or endpointslices")
        String kind;

        @Option(names = {"-n", "--namespace"}, defaultValue = "netpaths", description = "Namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
        boolean all;

        @Option(names = {"-o", "--output"}, description = "wide")
        String output;

        @Option(names = "--cluster", defaultValue = "netpaths", description = "Which cluster of the lab (default: ${DEFAULT-VALUE}).")
        String cluster;

        @Override
        public Integer call() {
            try {
                if (output != null && !output.equals("wide")) {
                    throw new Refused("unsupported output format \"" + output + "\": the lab prints the table or -o wide");
                }
                Path yaml = common.stateDir().resolve(cluster).resolve("cluster.yaml");
                dev.netpaths.lab.live.Get.print(yaml, kind, all ? null : namespace, output != null,
                        dev.netpaths.lab.LabStatus.exits(common.stateDir(), cluster), System.out);
                return 0;
            } catch (LabException e) {
                // reading changes nothing: the reason alone
                System.err.println("netpaths-lab: " + e.getMessage());
                return LabCli.FAILED;
            }
        }
    }

    /** The objects of {@code -f FILE|DIR} (repeatable) and {@code -k DIR}, as kubectl reads them; a missing path is refused. */
    static List<HasMetadata> objects(List<Path> files, Path kustomization) {
        List<String> docs = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                throw new Refused("the path \"" + f + "\" does not exist");
            }
            docs.add(ManifestSource.render(null, List.of(f)));
        }
        if (kustomization != null) {
            if (!Files.isDirectory(kustomization)) {
                throw new Refused("-k needs a directory with a kustomization.yaml, got \"" + kustomization + "\"");
            }
            Sh.Result r = Sh.tryRun(Duration.ofSeconds(60), "kubectl", "kustomize", kustomization.toString());
            if (!r.ok()) {
                throw new Refused("kubectl kustomize " + kustomization + " failed: " + r.err().strip());
            }
            docs.add(r.out());
        }
        try {
            return Manifests.parse(String.join("\n---\n", docs));
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
    }

    @Command(name = "apply", description = "apply -f FILE|DIR or -k DIR: Services, NetworkPolicies, Ingresses, HTTPRoutes, ReferenceGrants and a Deployment's replicas, "
            + "reconciled into the running lab (endpoints, kube-proxy on every node, policy, DNS, MetalLB, entry points); anything else refused, nothing changed.")
    static final class Apply implements Callable<Integer> {
        @Mixin LabCli.Common common;
        @Mixin Change change;

        @Option(names = {"-f", "--filename"}, description = "A manifest file or directory (repeatable).")
        List<Path> files = new ArrayList<>();

        @Option(names = {"-k", "--kustomize"}, description = "A kustomization directory, rendered with kubectl kustomize.")
        Path kustomization;

        @Override
        public Integer call() {
            return LabCli.guarded(common, lab -> lab.enterRunning(LabCli.ARGS), () -> {
                if (files.isEmpty() == (kustomization == null)) {
                    throw new Refused("apply needs -f FILE|DIR or -k DIR (one of them)");
                }
                List<HasMetadata> objects = objects(files, kustomization);
                change.open(common).apply(objects, change.namespace, Duration.ofSeconds(change.timeoutSeconds));
                return 0;
            });
        }
    }

    @Command(name = "delete", description = "delete pod NAME: its endpoint turns terminating, kubelet stops it (preStop, SIGTERM, grace), its ReplicaSet replaces it. "
            + "delete KIND NAME or -f FILE|DIR: Services, NetworkPolicies and routes removed from the running lab.")
    static final class Delete implements Callable<Integer> {
        @Mixin LabCli.Common common;
        @Mixin Change change;

        @Parameters(index = "0", arity = "0..1", description = "pod, or a kind (svc, netpol, ingress, httproute, referencegrant), or KIND/NAME")
        String kind;

        @Parameters(index = "1", arity = "0..1", description = "the name")
        String name;

        @Option(names = {"-f", "--filename"}, description = "Delete the objects of a manifest file or directory (repeatable).")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            return LabCli.guarded(common, lab -> lab.enterRunning(LabCli.ARGS), () -> {
                if (files.isEmpty() == (kind == null)) {
                    throw new Refused("delete needs KIND NAME (pod NAME, netpol NAME, ...) or -f FILE|DIR (one of them)");
                }
                Duration bound = Duration.ofSeconds(change.timeoutSeconds);
                if (!files.isEmpty()) {
                    List<Overlay.Key> keys = objects(files, null).stream().map(o -> new Overlay.Key(Overlay.kindOf(o.getKind()),
                            o.getMetadata().getNamespace() == null ? change.namespace : o.getMetadata().getNamespace(), o.getMetadata().getName())).toList();
                    change.open(common).delete(keys, bound);
                    return 0;
                }
                String[] typed = kind.split("/", 2);
                String what = typed[0];
                String named = typed.length == 2 ? typed[1] : name;
                if (named == null || named.isBlank()) {
                    throw new Refused("a name is required: delete " + what + " NAME");
                }
                if (what.equals("pod") || what.equals("pods") || what.equals("po")) {
                    change.open(common).deletePod(change.namespace, named, bound);
                } else {
                    change.open(common).delete(List.of(new Overlay.Key(Overlay.kindOf(what), change.namespace, named)), bound);
                }
                return 0;
            });
        }
    }

    @Command(name = "scale", description = "scale deployment/NAME --replicas=N, as the Deployment controller does.")
    static final class Scale implements Callable<Integer> {
        @Mixin LabCli.Common common;
        @Mixin Change change;

        @Parameters(index = "0", description = "deployment/NAME")
        String target;

        @Parameters(index = "1", arity = "0..1", description = "NAME when the first is 'deployment'")
        String name;

        @Option(names = "--replicas", required = true, description = "The new number of pods.")
        int replicas;

        @Override
        public Integer call() {
            return LabCli.guarded(common, lab -> lab.enterRunning(LabCli.ARGS), () -> {
                if (replicas < 0 || replicas > 10) {
                    throw new Refused("--replicas must be 0..10 in the lab, got " + replicas);
                }
                change.open(common).scale(change.namespace, deploymentName(target, name), replicas, Duration.ofSeconds(change.timeoutSeconds));
                return 0;
            });
        }
    }

    @Command(name = "rollout", description = "rollout restart deployment/NAME: a new ReplicaSet, rolled per maxSurge/maxUnavailable, readiness, preStop and grace.")
    static final class Rollout implements Callable<Integer> {
        @Mixin LabCli.Common common;
        @Mixin Change change;

        @Parameters(index = "0", description = "restart")
        String verb;

        @Parameters(index = "1", description = "deployment/NAME")
        String target;

        @Parameters(index = "2", arity = "0..1", description = "NAME when the second is 'deployment'")
        String name;

        @Override
        public Integer call() {
            return LabCli.guarded(common, lab -> lab.enterRunning(LabCli.ARGS), () -> {
                if (!verb.equals("restart")) {
                    throw new Refused("the lab knows `rollout restart` only, got \"" + verb + "\"");
                }
                change.open(common).rolloutRestart(change.namespace, deploymentName(target, name), Duration.ofSeconds(change.timeoutSeconds));
                return 0;
            });
        }
    }

    @Command(name = "set", description = "set env deployment/NAME VAR=VALUE... | VAR-... (a rollout, waited for) or --list, as kubectl set env.")
    static final class SetEnv implements Callable<Integer> {
        @Mixin LabCli.Common common;
        @Mixin Change change;

        @Parameters(index = "0", description = "env")
        String what;

        @Parameters(index = "1", description = "deployment/NAME")
        String target;

        @Parameters(index = "2..*", arity = "0..*", description = "VAR=VALUE to set, VAR- to remove")
        List<String> changes = new ArrayList<>();

        @Option(names = "--list", description = "Print the variables of the Deployment's containers, one NAME=VALUE a line.")
        boolean list;

        @Override
        public Integer call() {
            return LabCli.guarded(common, lab -> lab.enterRunning(LabCli.ARGS), () -> {
                if (!what.equals("env")) {
                    throw new Refused("the lab knows `set env` only, got \"" + what + "\"");
                }
                String name = deploymentName(target, null);
                if (list == !changes.isEmpty()) {
                    throw new Refused("give VAR=VALUE or VAR- changes, or --list (not both)");
                }
                List<String[]> parsed = new ArrayList<>();
                for (String c : changes) {
                    if (c.matches("[A-Za-z_][A-Za-z0-9_]*-")) {
                        parsed.add(new String[] {c.substring(0, c.length() - 1), null});
                    } else if (c.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
                        parsed.add(c.split("=", 2));
                    } else {
                        throw new Refused("\"" + c + "\" is neither VAR=VALUE nor VAR- (a variable name is letters, digits and _)");
                    }
                }
                LiveCluster live = change.open(common);
                if (list) {
                    live.envList(change.namespace, name).forEach(System.out::println);
                    return 0;
                }
                for (String[] c : parsed) {
                    live.setEnv(change.namespace, name, c[0], c[1], Duration.ofSeconds(change.timeoutSeconds));
                }
                return 0;
            });
        }
    }
}

package dev.netpaths.lab.cli;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.LabTargets;
import dev.netpaths.lab.NodeRules;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.rootless.RootlessLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The verbs that look into a pod, a node or the host of the running lab ({@link LabTargets} resolves the name). */
final class TargetVerbs {
    private TargetVerbs() {
    }

    @Command(name = "exec", description = "Run a command inside a pod, a node or the host namespace of the running lab: "
            + "exec POD|NODE|host -- CMD [ARGS...]. POD is namespace/name, name or a unique start of one (see status).")
    static final class Exec implements Callable<Integer> {
        @Mixin LabCli.Common common;

        @Parameters(index = "0", paramLabel = "POD|NODE|host", description = "where to run it")
        String target;

        @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "the command and its arguments (after --)")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            // resolved once: the check outside a rootless lab's namespaces, or the same answer for the body
            LabTargets.Target[] resolved = new LabTargets.Target[1];
            return LabCli.inRunningLab(common, () -> resolved[0] = LabTargets.of(common.stateDir()).resolve(target), () -> {
                LabTargets.Target t = resolved[0] != null ? resolved[0] : LabTargets.of(common.stateDir()).resolve(target);
                if (!RootlessLab.inside()) {
                    ExecIndex.write(common.stateDir());
                }
                List<String> cmd = new ArrayList<>(List.of(Sh.inNs(t.netns())));
                cmd.addAll(command);
                try {
                    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
                } catch (IOException e) {
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
        @Mixin LabCli.Common common;

        @Parameters(index = "0", paramLabel = "NODE", description = "a node name (see status)")
        String node;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NS/SERVICE", description = "a Service, e.g. netpaths/echo")
        String service;

        @Override
        public Integer call() {
            if (service != null && !service.matches("[a-z0-9-]+/[a-z0-9.-]+")) {
                System.err.println("netpaths-lab: rules: name the Service as NAMESPACE/NAME (e.g. netpaths/echo), got '" + service + "'");
                return LabCli.BAD_INPUT;
            }
            LabTargets.Target[] resolved = new LabTargets.Target[1];
            return LabCli.inRunningLab(common, () -> resolved[0] = LabTargets.of(common.stateDir()).node(node), () -> {
                LabTargets.Target t = resolved[0] != null ? resolved[0] : LabTargets.of(common.stateDir()).node(node);
                System.out.print(NodeRules.show(ProxyMode.recorded(common.stateDir()), t, node, service));
                return 0;
            });
        }
    }
}

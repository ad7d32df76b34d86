package dev.netpaths.lab.live;

import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Launcher.Started;
import dev.netpaths.lab.proc.Procs;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a verb's kubelet sees of a pod's containers when it resumes the lab: real processes, no lab. */
class LiveClusterTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private Started sleeper(boolean exit) throws Exception {
        Process p = new ProcessBuilder("sleep", "120").start();
        started.add(p);
        Started s = new Started(p.pid(), Procs.startTime(p.pid()).orElseThrow(), "netpaths/echo-1 app");
        if (exit) {
            p.destroyForcibly().waitFor();
        }
        return s;
    }

    private static RunningPod echo() {
        Pod pod = new PodBuilder().withNewMetadata().withName("echo-1").withNamespace("netpaths").endMetadata()
                .withNewSpec().addNewInitContainer().withName("proxy").withRestartPolicy("Always").endInitContainer()
                .addNewContainer().withName("app").endContainer().endSpec().withNewStatus().withPhase("Running").endStatus().build();
        return new RunningPod(pod, "lw-netpaths-echo-1", null, Optional.empty());
    }

    @Test
    void aContainerWhoseProcessExitedOrWasNeverRecordedHasExitedOneThatRunsHasNot() throws Exception {
        RunningPod p = echo();
        assertEquals(List.of("proxy", "app"), LiveCluster.exited(p), "nothing recorded: no container runs");
        p.processes().put("proxy", sleeper(false));
        p.processes().put("app", sleeper(true));
        assertEquals(List.of("app"), LiveCluster.exited(p));
        p.processes().put("app", sleeper(false));
        assertEquals(List.of(), LiveCluster.exited(p));
    }

    @Test
    void anAddOnPodsContainerHasExitedWhenAStandInProcessItStartedIsGone() throws Exception {
        Pod pod = new PodBuilder().withNewMetadata().withName("coredns-1").withNamespace("kube-system").endMetadata()
                .withNewSpec().addNewContainer().withName("coredns").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build();
        RunningPod p = new RunningPod(pod, "lw-kube-system-coredns-1", null, Optional.of(dev.netpaths.lab.addons.ClusterAddons.Addon.DNS));
        p.processes().put("dnsmasq-srv", sleeper(false));
        p.processes().put("dnsmasq", sleeper(false));
        assertEquals(List.of(), LiveCluster.exited(p), "both dnsmasq run");
        p.processes().put("dnsmasq", sleeper(true));
        assertEquals(List.of("coredns"), LiveCluster.exited(p), "one stand-in process gone: the pod's one container exited");
    }
}

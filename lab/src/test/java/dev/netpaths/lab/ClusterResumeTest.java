package dev.netpaths.lab;

import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.cni.CniKind;
import dev.netpaths.lab.dataplane.ProxyMode;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.pod.RunningPod;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.state.Entry;
import dev.netpaths.lab.state.Journal;
import dev.netpaths.lab.state.RecordedSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A live verb re-reads the running lab from its state dir: each pod of cluster.yaml with its processes from the
 * journal ({@link ClusterRuntime#resume}). Over a journal as a 2-cluster lab records it (lines in up's order, the
 * first cluster's pods before the second's), with real processes standing in for the pods' (alive, so the journal
 * lines are current), no lab.
 */
class ClusterResumeTest {
    private static final String PREFIX = "lv";
    /** The add-on pods have the same names in both clusters (their template carries no cluster name). */
    private static final String COREDNS = "coredns-5bbb596c78-c74kv";
    /** The manifests' part the add-ons need to be admitted: MetalLB's pool for their LoadBalancer Services. */
    private static final String MANIFESTS = """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: netpaths-pool, namespace: metallb-system}
            spec:
              addresses: [172.18.255.200-172.18.255.250]
            """;

    @TempDir
    Path state;

    private final List<Process> started = new ArrayList<>();

    /** What up records: a runtime reads the lab's settings from the state dir (here: every one unset). */
    @BeforeEach
    void recordSettings() {
        RecordedSettings.record(state, name -> null);
    }

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    /** A live process and the journal's "pid start-time" for it. */
    private String live() throws Exception {
        Process p = new ProcessBuilder("sleep", "120").start();
        started.add(p);
        return p.pid() + " " + Procs.startTime(p.pid()).orElseThrow();
    }

    private static long pid(String live) {
        return Long.parseLong(live.split(" ")[0]);
    }

    private static Pod coredns(ClusterPlan plan) {
        ClusterAddons.Addon dns = ClusterAddons.Addon.DNS;
        return new PodBuilder().withNewMetadata().withNamespace(dns.namespace()).withName(COREDNS)
                .addToLabels(dns.labelKey(), dns.labelValue()).endMetadata()
                .withNewSpec().withNodeName(plan.nodes().get(0).name()).endSpec()
                .withNewStatus().withPhase("Running").withPodIP("192.168.0.3").endStatus().build();
    }

    /** The pod's containers as a live verb in {@code plan}'s cluster resumes them: container to PID. */
    private Map<String, Long> resumed(ClusterPlan plan) {
        Journal journal = new Journal(state);
        ClusterRuntime runtime = new ClusterRuntime(plan, state.resolve(plan.name()), ProxyMode.IPTABLES, MANIFESTS, new Launcher(journal),
                objects -> null, m -> { });
        List<Entry.Proc> procs = journal.read().stream().filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList();
        runtime.resume(PREFIX, List.of(coredns(plan)), procs);
        RunningPod p = runtime.pods().get(0);
        Map<String, Long> pids = new TreeMap<>();
        p.processes().forEach((container, s) -> pids.put(container, s.pid()));
        return pids;
    }

    @Test
    void eachClusterOfATwoClusterLabResumesItsOwnAddOnProcessesNotTheOtherClustersOfTheSamePodName() throws Exception {
        List<ClusterPlan> plans = AddressPlan.plan(PREFIX, CniKind.CALICO, 3, 2);
        String dns1 = live();
        String srv1 = live();
        String dns2 = live();
        String srv2 = live();
        String key = "kube-system/" + COREDNS;
        // as Launcher journals them (scripts/test/live.sh proof 2 failed on this: a Service applied to the first
        // cluster reloaded the second cluster's dnsmasq, and the first never answered for the new name)
        Files.writeString(state.resolve(Journal.FILE), String.join("\n",
                "netns lv-c1-kube-system-" + COREDNS,
                "proc " + srv1 + " netns=lv-c1-kube-system-" + COREDNS + " " + key + " dnsmasq-srv",
                "proc " + dns1 + " netns=lv-c1-kube-system-" + COREDNS + " " + key + " dnsmasq",
                "netns lv-c2-kube-system-" + COREDNS,
                "proc " + srv2 + " netns=lv-c2-kube-system-" + COREDNS + " " + key + " dnsmasq-srv",
                "proc " + dns2 + " netns=lv-c2-kube-system-" + COREDNS + " " + key + " dnsmasq") + "\n");

        assertEquals(Map.of("dnsmasq", pid(dns1), "dnsmasq-srv", pid(srv1)), resumed(plans.get(0)), "cluster netpaths");
        assertEquals(Map.of("dnsmasq", pid(dns2), "dnsmasq-srv", pid(srv2)), resumed(plans.get(1)), "cluster netpaths-b");
    }

    @Test
    void aJournalWithoutNetnsOfALabUpBeforeItWasRecordedStillResumesByThePodsName() throws Exception {
        ClusterPlan plan = AddressPlan.plan(PREFIX, CniKind.FLANNEL, 3, 1).get(0);
        String dns = live();
        Files.writeString(state.resolve(Journal.FILE), "proc " + dns + " kube-system/" + COREDNS + " dnsmasq\n");
        assertEquals(Map.of("dnsmasq", pid(dns)), resumed(plan));
    }

    /** A process that ran and has exited (reaped: gone from /proc), and the journal's "pid start-time" for it. */
    private static String exited() throws Exception {
        Process p = new ProcessBuilder("sleep", "120").start();
        String line = p.pid() + " " + Procs.startTime(p.pid()).orElseThrow();
        p.destroyForcibly().waitFor();
        return line;
    }

    private RunningPod resumedPod(ClusterPlan plan, Pod pod) {
        Journal journal = new Journal(state);
        ClusterRuntime runtime = new ClusterRuntime(plan, state.resolve(plan.name()), ProxyMode.IPTABLES, MANIFESTS, new Launcher(journal),
                objects -> null, m -> { });
        runtime.resume(PREFIX, List.of(pod), journal.read().stream().filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList());
        return runtime.pods().get(0);
    }

    @Test
    void aContainerKilledSinceTheLastVerbIsResumedWithItsExitedProcessSoTheVerbSeesTheExit() throws Exception {
        // the bug: resume kept live processes only, so a pod whose container was killed between verbs had none, its
        // exit was never seen, and `delete pod` waited for it through SIGTERM, SIGKILL and its 180 s bound
        ClusterPlan plan = AddressPlan.plan(PREFIX, CniKind.FLANNEL, 3, 1).get(0);
        Pod pod = coredns(plan);
        String netns = dev.netpaths.lab.pod.PodRunner.podNetns(PREFIX, plan, pod);
        String killed = exited();
        String srv = live();
        String key = "kube-system/" + COREDNS;
        Files.writeString(state.resolve(Journal.FILE), String.join("\n",
                "proc " + srv + " netns=" + netns + " " + key + " dnsmasq-srv",
                "proc " + killed + " netns=" + netns + " " + key + " dnsmasq") + "\n");

        RunningPod p = resumedPod(plan, pod);
        assertEquals(Map.of("dnsmasq", pid(killed), "dnsmasq-srv", pid(srv)), pids(p));
        assertFalse(Procs.alive(pid(killed), p.processes().get("dnsmasq").startTime()));
        // what get and status read from the same journal: that container exited, the other runs
        pod.getStatus().setPhase("Running");
        assertEquals(List.of("dnsmasq"), LabStatus.exitedSinceLastVerb(pod, netns, new Journal(state).read().stream()
                .filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList()));
    }

    @Test
    void aRestartedContainerResumesAsItsNewestProcessNotTheOneThatExitedBeforeIt() throws Exception {
        ClusterPlan plan = AddressPlan.plan(PREFIX, CniKind.FLANNEL, 3, 1).get(0);
        Pod pod = coredns(plan);
        String netns = dev.netpaths.lab.pod.PodRunner.podNetns(PREFIX, plan, pod);
        String before = exited();
        String now = live();
        String key = "kube-system/" + COREDNS;
        Files.writeString(state.resolve(Journal.FILE), String.join("\n",
                "proc " + before + " netns=" + netns + " " + key + " dnsmasq",
                "proc " + now + " netns=" + netns + " " + key + " dnsmasq") + "\n");
        assertEquals(Map.of("dnsmasq", pid(now)), pids(resumedPod(plan, pod)));
        pod.getStatus().setPhase("Running");
        assertEquals(List.of(), LabStatus.exitedSinceLastVerb(pod, netns, new Journal(state).read().stream()
                .filter(Entry.Proc.class::isInstance).map(Entry.Proc.class::cast).toList()));
    }

    private static Map<String, Long> pids(RunningPod p) {
        Map<String, Long> pids = new TreeMap<>();
        p.processes().forEach((container, s) -> pids.put(container, s.pid()));
        return pids;
    }
}

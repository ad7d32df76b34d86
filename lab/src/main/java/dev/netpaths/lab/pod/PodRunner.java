package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.addons.ClusterDns;
import dev.netpaths.lab.cni.CniRunner;
import dev.netpaths.lab.cni.PodNetwork;
import dev.netpaths.lab.net.AddressPlan;
import dev.netpaths.lab.net.AddressPlan.ClusterPlan;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.net.Netns;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Launcher.Started;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** kubelet + container runtime for one cluster: network namespace and CNI ADD per pod, one process per container, readiness probes. */
public final class PodRunner {
    public static final String CLUSTER_DOMAIN = "cluster.local";

    private final Netns netns;
    private final CniRunner cni;
    private final Launcher launcher;
    private final PodNetwork network;
    private final ClusterPlan cluster;
    private final Path clusterDir;
    private final ImageStore images;
    private final EnvResolver env;

    public PodRunner(Netns netns, CniRunner cni, Launcher launcher, PodNetwork network, ClusterPlan cluster,
                     Path clusterDir, ImageStore images, EnvResolver env) {
        this.netns = netns;
        this.cni = cni;
        this.launcher = launcher;
        this.network = network;
        this.cluster = cluster;
        this.clusterDir = clusterDir;
        this.images = images;
        this.env = env;
    }

    /** The pod's namespace name: prefix, cluster number, Kubernetes namespace and pod name (unique, recognisable). */
    public static String podNetns(String prefix, ClusterPlan c, Pod pod) {
        return c.podNetnsPrefix(prefix) + pod.getMetadata().getNamespace() + "-" + pod.getMetadata().getName();
    }

    /** Sandbox: namespace, CNI ADD in the node, resolv.conf; the pod then has its IP (status.podIP) and is Pending. */
    public RunningPod wire(Pod pod, NodePlan node, String podNs) {
        netns.create(podNs);
        String conf = network.conf(cluster, node, clusterDir.resolve("ipam").resolve(node.name()));
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        String ip = cni.add(node.netns(), podNs, network.plugin(), conf, clusterDir.resolve("cni").resolve(podNs + ".json"), key);
        Netns.resolvConf(podNs, ClusterDns.resolvConf(pod, AddressPlan.DNS_IP, CLUSTER_DOMAIN));
        pod.getStatus().setPodIP(ip);
        pod.getStatus().setPodIPs(List.of(new PodIP(ip)));
        pod.getStatus().setHostIP(node.ip());
        pod.getStatus().setHostIPs(List.of(new HostIP(node.ip())));
        return new RunningPod(pod, podNs, node, ClusterAddons.addonOf(pod));
    }

    /** Starts the pod's containers: native sidecars (init containers with restartPolicy Always) first, then the containers. */
    public void startContainers(RunningPod p) {
        // a (re)started container is probed for startup again
        p.started().clear();
        for (Container c : containers(p.pod())) {
            p.processes().put(c.getName(), startContainer(p, c));
        }
        PodStatus.running(p.pod(), false);
    }

    /** The containers the lab runs for a pod: native sidecars (init containers with restartPolicy Always), then the containers. */
    public static List<Container> containers(Pod pod) {
        List<Container> out = new ArrayList<>();
        Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of()).forEach(c -> {
            if (!"Always".equals(c.getRestartPolicy())) {
                throw new LabException("pod " + pod.getMetadata().getName() + ": init container " + c.getName()
                        + " runs to completion; the lab runs only long-running containers and native sidecars");
            }
            out.add(c);
        });
        out.addAll(pod.getSpec().getContainers());
        return out;
    }

    private Started startContainer(RunningPod p, Container c) {
        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
            throw new LabException("pod " + p.key() + " container " + c.getName()
                    + ": a command override cannot be mapped to the service jar (use args)");
        }
        Path jar = images.jar(c.getImage());
        Map<String, String> vars = env.resolve(p.pod(), c);
        List<String> envList = new ArrayList<>(List.of("HOME=/root", "HOSTNAME=" + p.pod().getMetadata().getName()));
        vars.forEach((k, v) -> envList.add(k + "=" + v));
        List<String> argv = new ArrayList<>(List.of("java", "-jar", jar.toString()));
        Optional.ofNullable(c.getArgs()).orElse(List.of()).forEach(a -> argv.add(EnvResolver.expand(a, vars)));
        return launcher.start(p.netns(), envList, argv, logOf(p, c.getName()), p.key() + " " + c.getName());
    }

    public Path logOf(RunningPod p, String container) {
        return clusterDir.resolve("logs").resolve(p.pod().getMetadata().getNamespace() + "_" + p.pod().getMetadata().getName() + "_" + container + ".log");
    }

    /**
     * One round of readiness probes, from the node's namespace as kubelet probes: every container with an httpGet
     * readinessProbe must answer 200-399; containers without one are ready once running.
     *
     * @throws LabException when a container process has exited (with the end of its log)
     */
    public boolean probe(RunningPod p) {
        p.processes().forEach((container, s) -> {
            if (!Procs.alive(s.pid(), s.startTime())) {
                throw new LabException(s.what() + " exited; last lines of " + logOf(p, container) + ":\n" + tail(logOf(p, container)));
            }
        });
        return probeContainers(containers(p.pod()), p.started(), (c, get) -> httpOk(p, port(c, get.getPort(), p), get));
    }

    /**
     * kubelet's probes of one pod, one round: a container with a startupProbe is not ready, and its readiness probe
     * not run, until the startup probe has succeeded once ({@code pkg/kubelet/prober/worker.go}: "readiness and
     * liveness probes are disabled until the startup probe succeeds"); from then on only its readiness probe runs.
     * Simplified: the readiness probe runs in the round the startup probe succeeded, not one period later.
     *
     * @param started the containers whose startup probe succeeded (updated)
     * @param httpOk  one HTTP probe of one container
     */
    static boolean probeContainers(List<Container> containers, java.util.Set<String> started,
                                   java.util.function.BiPredicate<Container, HTTPGetAction> httpOk) {
        boolean ready = true;
        for (Container c : containers) {
            if (c.getStartupProbe() != null && c.getStartupProbe().getHttpGet() != null && !started.contains(c.getName())) {
                if (!httpOk.test(c, c.getStartupProbe().getHttpGet())) {
                    ready = false;
                    continue;
                }
                started.add(c.getName());
            }
            if (c.getReadinessProbe() != null && c.getReadinessProbe().getHttpGet() != null) {
                ready &= httpOk.test(c, c.getReadinessProbe().getHttpGet());
            }
        }
        return ready;
    }

    /** {@code curl} from the node to podIP:port/path; any 2xx/3xx is ready. */
    private static boolean httpOk(RunningPod p, int port, HTTPGetAction get) {
        int status = httpStatus(p.node().netns(), "http://" + p.ip() + ":" + port + Optional.ofNullable(get.getPath()).orElse("/"));
        return status >= 200 && status < 400;
    }

    /** The HTTP status the URL answers from inside {@code ns}, 0 when nothing answers within a second. */
    public static int httpStatus(String ns, String url) {
        Sh.Result r = Sh.tryRun(Duration.ofSeconds(3), Sh.inNs(ns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", url));
        try {
            return Integer.parseInt(r.out().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int port(Container c, IntOrString port, RunningPod p) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return Optional.ofNullable(c.getPorts()).orElse(List.of()).stream()
                .filter(cp -> port.getStrVal().equals(cp.getName())).map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new LabException("pod " + p.key() + " container " + c.getName() + ": probe port '" + port.getStrVal() + "' names no container port"));
    }

    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (Exception e) {
            return "(no log at " + log + ")";
        }
    }
}

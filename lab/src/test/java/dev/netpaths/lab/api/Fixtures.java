package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.netpaths.lab.addons.ClusterAddons;
import dev.netpaths.lab.addons.MetalLb;
import dev.netpaths.lab.net.Ipv4;

/** A kind-shaped cluster for the controller tests: three nodes, the test manifests, pods with IPs. */
public final class Fixtures {
    public static final String SERVICE_CIDR = "10.96.0.0/12";
    public static final String DNS_IP = "10.96.0.10";
    public static final String CLUSTER_CIDR = "10.244.0.0/16";

    private Fixtures() {
    }

    public static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kind's nodes: the control plane tainted, excluded from load balancers and ingress-ready, two workers. */
    public static List<Node> kindNodes() {
        return List.of(
                node("netpaths-control-plane", "172.18.0.2", "10.244.0.0/24", true),
                node("netpaths-worker", "172.18.0.3", "10.244.1.0/24", false),
                node("netpaths-worker2", "172.18.0.4", "10.244.2.0/24", false));
    }

    public static Node node(String name, String ip, String podCidr, boolean controlPlane) {
        NodeBuilder builder = new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).addToLabels("kubernetes.io/os", "linux").endMetadata()
                .withNewSpec().withPodCIDR(podCidr).endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
        if (controlPlane) {
            builder.editMetadata().addToLabels("node-role.kubernetes.io/control-plane", "")
                    .addToLabels(MetalLb.EXCLUDE_LABEL, "").addToLabels("ingress-ready", "true").endMetadata()
                    .editSpec().addNewTaint().withKey("node-role.kubernetes.io/control-plane").withEffect("NoSchedule")
                    .endTaint().endSpec();
        }
        return builder.build();
    }

    /** The test cluster's objects: {@code cluster.yaml} plus the add-ons. */
    public static List<HasMetadata> objects() {
        List<HasMetadata> objects = new ArrayList<>(Manifests.parse(resource("cluster.yaml")));
        objects.addAll(ClusterAddons.addons(DNS_IP));
        return objects;
    }

    /**
     * What the runtime does after scheduling: each pod gets the next IP of its node's pod CIDR (from .2, in
     * pod order), its hostIP, phase Running and Ready True (the pods named in {@code notReady} Ready False).
     */
    public static List<Pod> started(List<Pod> pods, List<Node> nodes, String... notReady) {
        Map<String, Integer> next = new HashMap<>();
        List<Pod> result = new ArrayList<>();
        for (Pod pod : pods) {
            Node node = nodes.stream().filter(n -> n.getMetadata().getName().equals(pod.getSpec().getNodeName()))
                    .findFirst().orElseThrow();
            long base = Ipv4.Cidr.parse(node.getSpec().getPodCIDR()).first();
            int offset = next.merge(node.getMetadata().getName(), 2, (a, b) -> a + 1);
            boolean ready = !List.of(notReady).contains(pod.getMetadata().getName());
            result.add(new PodBuilder(pod).editOrNewStatus().withPhase("Running")
                    .withPodIP(Ipv4.format(base + offset))
                    .withHostIP(node.getStatus().getAddresses().get(0).getAddress())
                    .withConditions().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                    .endStatus().build());
        }
        return result;
    }

    /** Everything up to endpoint slices, like the runtime's control loop. */
    public record Cluster(List<Node> nodes, List<HasMetadata> objects, List<Pod> pods, List<Service> services,
                   List<EndpointSlice> slices) {
        public Service service(String namespace, String name) {
            return services.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)
                    && s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        }

        public List<Pod> pods(String namespace, String app) {
            return pods.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
                    && app.equals(Kube.labels(p).get("app.kubernetes.io/name"))).toList();
        }

        /** The MetalLB objects (IPAddressPools and L2Advertisements) of the cluster. */
        public List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> metallb() {
            return Manifests.ofType(objects, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class).stream()
                    .filter(g -> g.getApiVersion().startsWith("metallb.io/")).toList();
        }

        public Node node(String name) {
            return nodes.stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        }
    }

    public static Cluster cluster(String... notReady) {
        return cluster(objects(), notReady);
    }

    public static Cluster cluster(List<HasMetadata> objects, String... notReady) {
        List<Node> nodes = kindNodes();
        List<Pod> pods = started(Workloads.expand(objects, nodes), nodes, notReady);
        List<Service> services = Manifests.ofType(objects, Service.class);
        ServiceAllocator.admit(services, SERVICE_CIDR, DNS_IP);
        MetalLb.assign(services, Manifests.ofKind(objects, "metallb.io", "IPAddressPool"));
        // (the L2Advertisements are read by MetalLb.announcingNode through Cluster.metallb())
        return new Cluster(nodes, objects, pods, services, EndpointsController.slices(services, pods));
    }

    /** Runs a command with stdin, returning exit code and output; {@code -1} when it cannot be started. */
    public static Result run(String stdin, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public record Result(int exitCode, String output) {
    }

    public static boolean executable(String path) {
        return Files.isExecutable(Path.of(path));
    }

    /** Whether iptables-restore can run in a throw-away network namespace (root, unshare present). */
    public static boolean canTestIptables() {
        return executable("/usr/bin/unshare") && executable("/usr/sbin/iptables-restore")
                && run(null, "/usr/bin/unshare", "-n", "true").exitCode() == 0;
    }

    /**
     * Applies each text with {@code iptables-restore --noflush}, in order, inside a fresh network namespace that
     * lives only as long as the command (the machine's own namespace is never touched), then prints
     * {@code iptables-save}. Exit code 3 when a restore fails.
     */
    public static Result iptablesApply(String... texts) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "-n", "/bin/sh", "-c",
                "for rules in \"$@\"; do printf '%s' \"$rules\" | iptables-restore --noflush || exit 3; done; iptables-save",
                "sh"));
        command.addAll(List.of(texts));
        return run(null, command.toArray(String[]::new));
    }

    /** Whether nginx.conf files can be checked ({@code nginx -t}). */
    public static boolean hasNginx() {
        return executable("/usr/sbin/nginx");
    }

    /** {@code nginx -t} of {@code conf} written as {@code dir/nginx.conf}; the paths in it must point into {@code dir}. */
    public static Result nginxTest(Path dir, String conf) {
        try {
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, conf);
            return run(null, "/usr/sbin/nginx", "-t", "-c", file.toString(), "-p", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@link #probe} can run: root (unshare), iproute2, nginx, python3, curl. */
    public static boolean canProbe() {
        return hasNginx() && executable("/usr/bin/python3") && executable("/usr/bin/curl")
                && (executable("/usr/sbin/ip") || executable("/usr/bin/ip") || executable("/sbin/ip")) && canTestIptables();
    }

    /**
     * Serves {@code conf} with real nginx in a throw-away network namespace, one backend on every upstream pod IP
     * answering with the IP it was reached on, and returns "status[ backend IP]" per request "host|path[|header]".
     */
    public static List<String> probe(Path dir, String conf, int port, String... requests) {
        try {
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, conf);
            Path script = dir.resolve("nginx-probe.sh");
            Files.writeString(script, resource("nginx-probe.sh"));
            List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "-n", "/bin/sh", script.toString(),
                    file.toString(), dir.toString(), String.valueOf(port)));
            command.addAll(List.of(requests));
            Result result = run(null, command.toArray(String[]::new));
            if (result.exitCode() != 0) {
                throw new AssertionError("nginx probe failed: " + result.output());
            }
            return result.output().lines().filter(l -> l.matches("\\d{3}( .*)?")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.net.Ipv4;

/**
 * Cluster DNS (CoreDNS's kubernetes plugin, as the Kubernetes DNS specification describes it), stood in by
 * dnsmasq: A records {@code <svc>.<ns>.svc.<domain>} to the ClusterIP; for headless Services the name to
 * every ready endpoint IP and {@code <endpoint>.<svc>.<ns>.svc.<domain>} per ready endpoint, the endpoint's
 * hostname or else its dashed IP ({@code 10-244-1-3}), as CoreDNS names them;
 * {@code <a-b-c-d>.<ns>.pod.<domain>} per pod IP; ExternalName as a CNAME; SRV
 * {@code _<port>._<proto>.<svc>.<ns>.svc.<domain>} per named port (to the Service name, or for headless Services
 * one per ready endpoint to its endpoint name, weights split as CoreDNS does). dnsmasq answers for the cluster
 * domain from these records only ({@code --local}: unknown names are NXDOMAIN), and NXDOMAIN for every other
 * name ({@code --local=/#/}), which is what kubeadm's CoreDNS returns for them once its {@code forward .
 * /etc/resolv.conf} upstream says the name does not exist (the lab has no outside network to ask). TTL 30 s, as
 * kubeadm's Corefile sets it ({@code kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go}:
 * {@code kubernetes ... { ttl 30 }}, {@code cache 30}). Several A records of one name (a headless Service) come
 * back rotated from answer to answer (dnsmasq's own behaviour), where CoreDNS's {@code loadbalance} shuffles them:
 * either way a client taking the first address does not always reach the same pod.
 *
 * <p>Simplified: PTR records are dnsmasq's automatic ones from the A records (one name per
 * IP); {@code <a-b-c-d>.<ns>.pod} answers only for existing pods (CoreDNS's {@code pods insecure} answers any
 * such name); a CNAME to a name outside the cluster domain is answered without the target's address.
 */
public final class ClusterDns {
    private static final int TTL = 30;

    private ClusterDns() {
    }

    /**
     * The dnsmasq arguments (program name excluded): fixed flags first, then the records sorted, so equal
     * inputs give equal lists. {@code --conf-file=/dev/null} keeps a distribution's dnsmasq.conf out and
     * {@code --pid-file=} writes no pid file (the runtime tracks the PID it started). dnsmasq listens on port
     * 53 on every interface of the DNS pod; the runtime may add {@code --listen-address=<pod IP>} and
     * {@code --bind-interfaces}, and logging flags.
     */
    public static List<String> dnsmasqArgs(List<Service> services, List<EndpointSlice> slices, List<Pod> pods,
                                           String clusterDomain) {
        String domain = stripDots(clusterDomain);
        List<String> args = new ArrayList<>(List.of("--keep-in-foreground", "--conf-file=/dev/null", "--pid-file=",
                "--no-resolv", "--no-hosts", "--local=/" + domain + "/", "--local=/#/", "--local-ttl=" + TTL));
        TreeSet<String> records = new TreeSet<>();
        for (Service service : services) {
            String name = service.getMetadata().getName() + "." + Kube.namespace(service) + ".svc." + domain;
            String clusterIp = service.getSpec().getClusterIP();
            if ("ExternalName".equals(service.getSpec().getType())) {
                String target = stripDots(service.getSpec().getExternalName());
                if (target.isEmpty()) {
                    throw new IllegalArgumentException("Service " + Kube.key(service) + " of type ExternalName has no externalName");
                }
                records.add("--cname=" + name + "," + target + "," + TTL);
            } else if ("None".equals(clusterIp)) {
                for (EndpointSlice slice : EndpointsController.slicesOf(service, slices)) {
                    List<Endpoint> ready = slice.getEndpoints().stream().filter(EndpointsController::isReady).toList();
                    for (Endpoint endpoint : ready) {
                        for (String ip : endpoint.getAddresses()) {
                            records.add(hostRecord(name, ip));
                            // CoreDNS names an endpoint by its hostname, else by its dashed IP
                            String target = (endpoint.getHostname() != null ? endpoint.getHostname() : ip.replace('.', '-'))
                                    + "." + name;
                            records.add(hostRecord(target, ip));
                            for (EndpointPort port : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
                                addSrv(records, name, port.getName(), port.getProtocol(), target, port.getPort(),
                                        100 / ready.size());
                            }
                        }
                    }
                }
            } else if (clusterIp != null && !clusterIp.isEmpty()) {
                records.add(hostRecord(name, clusterIp));
                for (ServicePort port : service.getSpec().getPorts() == null ? List.<ServicePort>of() : service.getSpec().getPorts()) {
                    addSrv(records, name, port.getName(), port.getProtocol(), name, port.getPort(), 100);
                }
            }
        }
        for (Pod pod : pods) {
            String ip = Kube.podIp(pod);
            if (ip != null) {
                records.add(hostRecord(ip.replace('.', '-') + "." + Kube.namespace(pod) + ".pod." + domain, ip));
            }
        }
        args.addAll(records);
        return args;
    }

    /**
     * The records of {@link #dnsmasqArgs} laid out so that a change reaches dnsmasq without restarting it, which
     * would refuse the queries that arrive meanwhile (a caller resolving a Service name during a rollout). dnsmasq
     * re-reads {@code --addn-hosts} and {@code --servers-file} on SIGHUP, but not its configuration (dnsmasq(8),
     * NOTES: "When it receives a SIGHUP, dnsmasq clears its cache and then re-loads /etc/hosts ... and any file
     * given by ... --addn-hosts or --hostsdir ... SIGHUP does NOT re-read the configuration file"; --servers-file:
     * "the file is re-read ... when dnsmasq receives SIGHUP"). So: every A record (Services, headless endpoints,
     * pods) goes to a hosts file ({@code ip name} per record; {@code --local-ttl} gives them the same TTL); the SRV
     * records, which have no file form and change with a headless Service's ready endpoints, are served by a second
     * dnsmasq on {@code 127.0.0.1:srvPort} in the same pod, to which the servers file sends exactly those names.
     * The first dnsmasq keeps the CNAMEs and flags (changed only when an ExternalName Service is) and is restarted
     * only then; a record change is a file write and a SIGHUP.
     *
     * @param args      the full dnsmasq command line (program first) with the records of {@link #dnsmasqArgs}
     * @return the two command lines and the two files' contents
     */
    public static Reloadable reloadable(List<String> args, String hostsFile, String serversFile, int srvPort) {
        List<String> flags = new ArrayList<>();
        List<String> cnames = new ArrayList<>();
        List<String> srvs = new ArrayList<>();
        StringBuilder hosts = new StringBuilder();
        TreeSet<String> srvNames = new TreeSet<>();
        for (String arg : args) {
            if (arg.startsWith("--host-record=")) {
                String[] f = arg.substring("--host-record=".length()).split(",");
                hosts.append(f[1]).append(' ').append(f[0]).append('\n');
            } else if (arg.startsWith("--srv-host=")) {
                srvs.add(arg);
                srvNames.add(arg.substring("--srv-host=".length(), arg.indexOf(',')));
            } else if (arg.startsWith("--cname=")) {
                cnames.add(arg);
            } else {
                flags.add(arg);
            }
        }
        List<String> primary = new ArrayList<>(flags);
        primary.addAll(List.of("--addn-hosts=" + hostsFile, "--servers-file=" + serversFile));
        primary.addAll(cnames);
        List<String> secondary = new ArrayList<>(flags);
        secondary.addAll(List.of("--port=" + srvPort, "--listen-address=127.0.0.1", "--bind-interfaces"));
        secondary.addAll(srvs);
        StringBuilder servers = new StringBuilder();
        srvNames.forEach(n -> servers.append("server=/").append(n).append("/127.0.0.1#").append(srvPort).append('\n'));
        return new Reloadable(primary, hosts.toString(), servers.toString(), secondary);
    }

    /** The answering dnsmasq's command line and files, and the SRV dnsmasq's command line ({@link #reloadable}). */
    public record Reloadable(List<String> primary, String hosts, String servers, List<String> srv) {
    }

    /** Adds {@code --srv-host} for a named port (an unnamed port has no SRV record in Kubernetes DNS). */
    private static void addSrv(Set<String> records, String serviceName, String portName, String protocol, String target,
                               int port, int weight) {
        if (portName != null && !portName.isEmpty()) {
            String proto = (protocol == null ? "TCP" : protocol).toLowerCase(Locale.ROOT);
            records.add("--srv-host=_" + portName + "._" + proto + "." + serviceName + "," + target + "," + port + ",0," + weight);
        }
    }

    private static String hostRecord(String name, String ip) {
        return "--host-record=" + name + "," + Ipv4.format(Ipv4.parse(ip)) + "," + TTL;
    }

    private static String stripDots(String name) {
        String text = name == null ? "" : name.trim();
        while (text.startsWith(".")) {
            text = text.substring(1);
        }
        while (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    /**
     * The resolv.conf kubelet writes for {@code pod} ({@code pkg/kubelet/network/dns/dns.go}): {@code ClusterFirst}
     * (the default) and {@code ClusterFirstWithHostNet} get the cluster DNS; {@code Default} gets the node's resolver,
     * which in the lab has no nameserver (its nodes have no outside network), so only cluster-independent names in
     * the pod's /etc/hosts resolve; {@code None} gets only {@code dnsConfig}. {@code dnsConfig} is then merged as kubelet does: its nameservers and searches appended
     * (duplicates dropped), its options override same-named ones.
     *
     * @throws IllegalArgumentException naming the pod for an unknown dnsPolicy, {@code None} without
     *                                  {@code dnsConfig.nameservers}, or hostNetwork (not modelled)
     */
    public static String resolvConf(Pod pod, String dnsIp, String clusterDomain) {
        var spec = pod.getSpec();
        String policy = spec.getDnsPolicy() == null || spec.getDnsPolicy().isEmpty() ? "ClusterFirst" : spec.getDnsPolicy();
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            throw new IllegalArgumentException("pod " + Kube.key(pod) + ": the lab does not model hostNetwork");
        }
        String domain = stripDots(clusterDomain);
        List<String> nameservers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        java.util.LinkedHashMap<String, String> options = new java.util.LinkedHashMap<>();
        switch (policy) {
            case "ClusterFirst", "ClusterFirstWithHostNet" -> {
                nameservers.add(dnsIp);
                searches.addAll(List.of(Kube.namespace(pod) + ".svc." + domain, "svc." + domain, domain));
                options.put("ndots", "ndots:5");
            }
            case "Default", "None" -> {
            }
            default -> throw new IllegalArgumentException("pod " + Kube.key(pod) + ": dnsPolicy " + policy
                    + " is not ClusterFirst, ClusterFirstWithHostNet, Default or None");
        }
        var config = spec.getDnsConfig();
        if (config != null) {
            (config.getNameservers() == null ? List.<String>of() : config.getNameservers()).stream()
                    .filter(n -> !nameservers.contains(n)).forEach(nameservers::add);
            (config.getSearches() == null ? List.<String>of() : config.getSearches()).stream()
                    .filter(n -> !searches.contains(n)).forEach(searches::add);
            for (var option : config.getOptions() == null ? List.<io.fabric8.kubernetes.api.model.PodDNSConfigOption>of() : config.getOptions()) {
                options.put(option.getName(), option.getValue() == null ? option.getName() : option.getName() + ":" + option.getValue());
            }
        }
        if ("None".equals(policy) && nameservers.isEmpty()) {
            throw new IllegalArgumentException("pod " + Kube.key(pod) + ": dnsPolicy None needs dnsConfig.nameservers");
        }
        StringBuilder out = new StringBuilder();
        if (!searches.isEmpty()) {
            out.append("search ").append(String.join(" ", searches)).append("\n");
        }
        nameservers.forEach(n -> out.append("nameserver ").append(n).append("\n"));
        if (!options.isEmpty()) {
            out.append("options ").append(String.join(" ", options.values())).append("\n");
        }
        return out.toString();
    }
}

package dev.netpaths.lab.dataplane;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import dev.netpaths.lab.addons.MetalLb;
import dev.netpaths.lab.api.EndpointsController;
import dev.netpaths.lab.api.Fixtures;
import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubeProxyTest {
    private final Fixtures.Cluster cluster = Fixtures.cluster();

    private String render(String node) {
        return render(cluster, node);
    }

    private static String render(Fixtures.Cluster cluster, String node) {
        return KubeProxy.render(cluster.node(node), cluster.services(), cluster.slices(), Fixtures.CLUSTER_CIDR);
    }

    private static List<String> lines(String text, String prefix) {
        return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(prefix)).toList();
    }

    private static String hash(String servicePort, String protocol) {
        return KubeProxy.chainHash(servicePort + protocol);
    }

    @Test
    void chainNamesAreKubeProxysHashes() {
        // the names kube-proxy's own proxier tests expect for ns1/svc1:p80 and endpoint 10.180.0.1:80
        assertEquals("XPGD46QRK7WJZT7O", hash("ns1/svc1:p80", "tcp"));
        assertEquals("SXIVWICOYRO3J4NJ", KubeProxy.chainHash("ns1/svc1:p80" + "tcp" + "10.180.0.1:80"));
    }

    @Test
    void twoEndpointsSplitWithProbabilityOneHalfThenAPlainJump() {
        String svc = "KUBE-SVC-" + hash("netpaths/echo:http", "tcp");
        List<String> rules = lines(render("netpaths-worker"), "-A " + svc + " ");
        assertEquals(List.of(
                "-A " + svc + " -m comment --comment \"netpaths/echo:http cluster IP\" -m tcp -p tcp -d " + cluster.service("netpaths", "echo").getSpec().getClusterIP() + " --dport 8080 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
                "-A " + svc + " -m comment --comment \"netpaths/echo:http -> 10.244.1.3:8080\" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-"
                        + KubeProxy.chainHash("netpaths/echo:httptcp10.244.1.3:8080"),
                "-A " + svc + " -m comment --comment \"netpaths/echo:http -> 10.244.2.3:8080\" -j KUBE-SEP-"
                        + KubeProxy.chainHash("netpaths/echo:httptcp10.244.2.3:8080")), rules);
        assertEquals("0.3333333333", KubeProxy.probability(3));
        assertEquals("0.2500000000", KubeProxy.probability(4));
    }

    @Test
    void endpointChainsMarkHairpinAndDnat() {
        String sep = "KUBE-SEP-" + KubeProxy.chainHash("netpaths/echo:udpudp10.244.2.3:5005");
        assertEquals(List.of(
                "-A " + sep + " -m comment --comment netpaths/echo:udp -s 10.244.2.3 -j KUBE-MARK-MASQ",
                "-A " + sep + " -m comment --comment netpaths/echo:udp -m udp -p udp -j DNAT --to-destination 10.244.2.3:5005"),
                lines(render("netpaths-worker"), "-A " + sep + " "));
    }

    @Test
    void localPolicyUsesOnlyThisNodesEndpointsWithoutMasquerade() {
        String h = hash("netpaths/echo-local:http", "tcp");
        String worker = render("netpaths-worker");
        assertEquals(List.of("-A KUBE-SVL-" + h + " -m comment --comment \"netpaths/echo-local:http -> 10.244.1.3:8080\" -j KUBE-SEP-"
                + KubeProxy.chainHash("netpaths/echo-local:httptcp10.244.1.3:8080")), lines(worker, "-A KUBE-SVL-" + h));
        List<String> ext = lines(worker, "-A KUBE-EXT-" + h);
        assertEquals("-A KUBE-EXT-" + h + " -j KUBE-SVL-" + h, ext.get(ext.size() - 1));
        assertTrue(ext.stream().noneMatch(l -> l.contains("masquerade traffic for")), ext.toString());
        assertTrue(worker.contains("-A KUBE-NODEPORTS -m comment --comment netpaths/echo-local:http -m tcp -p tcp --dport 30090 -j KUBE-EXT-" + h));

        // the control plane runs no echo pod: external traffic is dropped there, pod traffic still short-circuits
        String controlPlane = render("netpaths-control-plane");
        assertFalse(controlPlane.contains(":KUBE-SVL-" + h));
        assertTrue(controlPlane.contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"netpaths/echo-local:http has no local endpoints\""
                + " -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30090 -j DROP"), controlPlane);
        assertFalse(lines(controlPlane, "-A KUBE-EXT-" + h).contains("-A KUBE-EXT-" + h + " -j KUBE-SVL-" + h));
    }

    @Test
    void clusterPolicyMasqueradesExternalTrafficAndTheLoadBalancerIpIsCaptured() {
        String h = hash("netpaths/echo-lb:http", "tcp");
        String rules = render("netpaths-control-plane");
        String ip = MetalLb.ingressIp(cluster.service("netpaths", "echo-lb"));
        assertTrue(rules.contains("-A KUBE-SERVICES -m comment --comment \"netpaths/echo-lb:http loadbalancer IP\" -m tcp -p tcp -d "
                + ip + " --dport 80 -j KUBE-EXT-" + h), rules);
        assertEquals(List.of(
                "-A KUBE-EXT-" + h + " -m comment --comment \"masquerade traffic for netpaths/echo-lb:http external destinations\" -j KUBE-MARK-MASQ",
                "-A KUBE-EXT-" + h + " -j KUBE-SVC-" + h), lines(rules, "-A KUBE-EXT-" + h));
        List<String> services = lines(rules, "-A KUBE-SERVICES ");
        assertEquals("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
                + " -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS", services.get(services.size() - 1));
        assertTrue(rules.contains("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"));
    }

    @Test
    void aServiceWithoutReadyEndpointsIsRejectedInTheFilterTable() {
        String restricted = cluster.pods().stream().filter(p -> p.getMetadata().getName().startsWith("echo-restricted"))
                .map(Pod::getMetadata).findFirst().orElseThrow().getName();
        Fixtures.Cluster notReady = Fixtures.cluster(restricted);
        Service service = notReady.service("netpaths-other", "echo-restricted");
        String rules = render(notReady, "netpaths-worker");
        assertTrue(rules.contains("-A KUBE-SERVICES -m comment --comment \"netpaths-other/echo-restricted:http has no endpoints\" -m tcp -p tcp -d "
                + service.getSpec().getClusterIP() + " --dport 8080 -j REJECT"), rules);
        assertFalse(rules.contains("KUBE-SVC-" + hash("netpaths-other/echo-restricted:http", "tcp")));
    }

    @Test
    void headlessAndExternalNameServicesGetNoRules() {
        String rules = render("netpaths-worker");
        assertFalse(rules.contains("echo-headless"));
        assertFalse(rules.contains("echo-other"));
    }

    @Test
    void podMasqueradeKeepsClusterTrafficAndMasqueradesTheRest() {
        String text = KubeProxy.renderPodMasquerade("10.244.1.0/24", "10.244.0.0/16");
        assertTrue(text.contains("-A NETPATHS-POD-MASQ -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"netpaths pod masquerade\" -j MASQUERADE --random-fully"), text);
        assertTrue(text.contains("-A NETPATHS-POD-MASQ -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment \"netpaths pod masquerade\" -j RETURN"), text);
    }

    @Test
    void theRulesLoadIntoRealIptablesAndReapplyingReplacesThem() {
        Assumptions.assumeTrue(Fixtures.canTestIptables(), "needs root, unshare and iptables-restore");
        String rules = render("netpaths-worker");
        Fixtures.Result once = Fixtures.iptablesApply(KubeProxy.hookRules(), rules,
                KubeProxy.renderPodMasquerade("10.244.1.0/24", Fixtures.CLUSTER_CIDR));
        assertEquals(0, once.exitCode(), once.output());
        assertTrue(once.output().contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), once.output());
        assertTrue(once.output().contains("--probability 0.50000000000"), once.output()); // iptables-save prints 11 decimals
        Fixtures.Result twice = Fixtures.iptablesApply(KubeProxy.hookRules(), rules,
                KubeProxy.renderPodMasquerade("10.244.1.0/24", Fixtures.CLUSTER_CIDR), rules);
        assertEquals(0, twice.exitCode(), twice.output());
        assertEquals(once.output().lines().filter(l -> l.startsWith("-A")).count(),
                twice.output().lines().filter(l -> l.startsWith("-A")).count());
    }

    /** proxier.go writeServiceToEndpointRules and the KUBE-SEP chains with sessionAffinity: ClientIP. */
    @Test
    void clientIpAffinityChecksRecentListsBeforeBalancingAndRecordsThemInTheEndpointChain() {
        java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> objects = Fixtures.objects();
        Service echo = Manifests.ofType(objects, Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals("echo") && s.getMetadata().getNamespace().equals("netpaths"))
                .findFirst().orElseThrow();
        echo.getSpec().setSessionAffinity("ClientIP");
        Fixtures.Cluster sticky = Fixtures.cluster(objects);
        assertEquals(10800, sticky.service("netpaths", "echo").getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds(),
                "the API's default timeout");
        String h = hash("netpaths/echo:http", "tcp");
        String sep1 = "KUBE-SEP-" + KubeProxy.chainHash("netpaths/echo:httptcp10.244.1.3:8080");
        String sep2 = "KUBE-SEP-" + KubeProxy.chainHash("netpaths/echo:httptcp10.244.2.3:8080");
        String rules = render(sticky, "netpaths-worker");
        assertEquals(List.of(
                "-A KUBE-SVC-" + h + " -m comment --comment \"netpaths/echo:http cluster IP\" -m tcp -p tcp -d " + cluster.service("netpaths", "echo").getSpec().getClusterIP() + " --dport 8080 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
                "-A KUBE-SVC-" + h + " -m comment --comment \"netpaths/echo:http -> 10.244.1.3:8080\" -m recent --name " + sep1
                        + " --rcheck --seconds 10800 --reap -j " + sep1,
                "-A KUBE-SVC-" + h + " -m comment --comment \"netpaths/echo:http -> 10.244.2.3:8080\" -m recent --name " + sep2
                        + " --rcheck --seconds 10800 --reap -j " + sep2,
                "-A KUBE-SVC-" + h + " -m comment --comment \"netpaths/echo:http -> 10.244.1.3:8080\" -m statistic --mode random --probability 0.5000000000 -j " + sep1,
                "-A KUBE-SVC-" + h + " -m comment --comment \"netpaths/echo:http -> 10.244.2.3:8080\" -j " + sep2),
                lines(rules, "-A KUBE-SVC-" + h + " "));
        assertEquals(List.of(
                "-A " + sep1 + " -m comment --comment netpaths/echo:http -s 10.244.1.3 -j KUBE-MARK-MASQ",
                "-A " + sep1 + " -m comment --comment netpaths/echo:http -m recent --name " + sep1 + " --set -m tcp -p tcp -j DNAT --to-destination 10.244.1.3:8080"),
                lines(rules, "-A " + sep1 + " "));
        // without affinity (the default) no recent match anywhere
        assertFalse(render("netpaths-worker").contains("-m recent"));
    }

    /** proxier.go usesFWChain: KUBE-FW- per source range, the rest dropped by KUBE-PROXY-FIREWALL in filter. */
    @Test
    void loadBalancerSourceRangesPassAllowedSourcesAndLeaveTheRestToTheFirewallDrop() {
        java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> objects = Fixtures.objects();
        Manifests.ofType(objects, Service.class).stream().filter(s -> s.getMetadata().getName().equals("echo-lb")).findFirst()
                .orElseThrow().getSpec().setLoadBalancerSourceRanges(List.of("172.18.0.0/24", "192.0.2.0/24"));
        Fixtures.Cluster fenced = Fixtures.cluster(objects);
        String h = hash("netpaths/echo-lb:http", "tcp");
        String ip = MetalLb.ingressIp(fenced.service("netpaths", "echo-lb"));
        String rules = render(fenced, "netpaths-worker");
        assertTrue(rules.contains("-A KUBE-SERVICES -m comment --comment \"netpaths/echo-lb:http loadbalancer IP\" -m tcp -p tcp -d "
                + ip + " --dport 80 -j KUBE-FW-" + h), rules);
        assertEquals(List.of(
                "-A KUBE-FW-" + h + " -m comment --comment \"netpaths/echo-lb:http loadbalancer IP\" -s 172.18.0.0/24 -j KUBE-EXT-" + h,
                "-A KUBE-FW-" + h + " -m comment --comment \"netpaths/echo-lb:http loadbalancer IP\" -s 192.0.2.0/24 -j KUBE-EXT-" + h,
                // the node's own 172.18.0.3 is in the first range: the VIP as source is allowed too
                "-A KUBE-FW-" + h + " -m comment --comment \"netpaths/echo-lb:http loadbalancer IP\" -s " + ip + " -j KUBE-EXT-" + h,
                "-A KUBE-FW-" + h + " -m comment --comment \"other traffic to netpaths/echo-lb:http will be dropped by KUBE-PROXY-FIREWALL\""),
                lines(rules, "-A KUBE-FW-" + h));
        assertEquals(List.of("-A KUBE-PROXY-FIREWALL -m comment --comment \"netpaths/echo-lb:http traffic not accepted by KUBE-FW-" + h
                + "\" -m tcp -p tcp -d " + ip + " --dport 80 -j DROP"), lines(rules, "-A KUBE-PROXY-FIREWALL"));
        // NodePorts are not subject to the source ranges
        assertTrue(lines(rules, "-A KUBE-NODEPORTS").stream().anyMatch(l -> l.contains("netpaths/echo-lb:http") && l.endsWith("-j KUBE-EXT-" + h)));
        assertFalse(render("netpaths-worker").contains("KUBE-FW-"));
    }

    @Test
    void affinityAndFirewallRulesLoadIntoRealIptables() {
        Assumptions.assumeTrue(Fixtures.canTestIptables(), "needs root, unshare and iptables-restore");
        java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> objects = Fixtures.objects();
        Manifests.ofType(objects, Service.class).stream().filter(s -> s.getMetadata().getName().equals("echo-lb")).findFirst()
                .orElseThrow().getSpec().setLoadBalancerSourceRanges(List.of("172.18.0.0/24"));
        Manifests.ofType(objects, Service.class).stream().filter(s -> s.getMetadata().getName().equals("echo")).findFirst()
                .orElseThrow().getSpec().setSessionAffinity("ClientIP");
        Fixtures.Result applied = Fixtures.iptablesApply(KubeProxy.hookRules(), render(Fixtures.cluster(objects), "netpaths-worker"));
        assertEquals(0, applied.exitCode(), applied.output());
        assertTrue(applied.output().contains("--rcheck --seconds 10800 --reap"), applied.output());
        assertTrue(applied.output().contains("-A KUBE-PROXY-FIREWALL"), applied.output());
    }

    /**
     * Real traffic through the rendered rules in a throw-away network namespace: twenty new connections from one
     * client to echo's ClusterIP reach one endpoint with ClientIP affinity, and both without (kube-proxy's
     * statistic rules: the chance that twenty connections all pick the same one of two is 1 in 524288).
     */
    @Test
    void clientIpAffinityPinsAClientWhereTheDefaultSpreads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Assumptions.assumeTrue(Fixtures.canTestIptables() && Fixtures.executable("/usr/bin/python3")
                && Fixtures.executable("/usr/bin/curl"), "needs root, unshare, iptables-restore, python3 and curl");
        java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> objects = Fixtures.objects();
        Manifests.ofType(objects, Service.class).stream().filter(s -> s.getMetadata().getName().equals("echo")
                && s.getMetadata().getNamespace().equals("netpaths")).findFirst().orElseThrow().getSpec().setSessionAffinity("ClientIP");
        Fixtures.Cluster sticky = Fixtures.cluster(objects);
        assertEquals(java.util.Set.of("10.244.1.3:8080", "10.244.2.3:8080"), java.util.Set.copyOf(
                EndpointsController.readyEndpoints(cluster.service("netpaths", "echo"),
                        cluster.service("netpaths", "echo").getSpec().getPorts().get(0), cluster.slices())
                        .stream().map(EndpointsController.ReadyEndpoint::address).toList()), "the endpoints the script serves");
        java.util.Set<String> withAffinity = answers(dir.resolve("sticky"), render(sticky, "netpaths-worker"),
                sticky.service("netpaths", "echo").getSpec().getClusterIP());
        java.util.Set<String> without = answers(dir.resolve("plain"), render("netpaths-worker"),
                cluster.service("netpaths", "echo").getSpec().getClusterIP());
        assertEquals(1, withAffinity.size(), "ClientIP affinity: one endpoint for one client " + withAffinity);
        assertEquals(java.util.Set.of("10.244.1.3", "10.244.2.3"), without, "no affinity: both endpoints");
    }

    private static java.util.Set<String> answers(java.nio.file.Path dir, String rules, String clusterIp) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path hooks = dir.resolve("hooks");
        java.nio.file.Path proxy = dir.resolve("proxy");
        java.nio.file.Files.writeString(hooks, KubeProxy.hookRules());
        java.nio.file.Files.writeString(proxy, rules);
        java.nio.file.Path script = dir.resolve("probe.sh");
        java.nio.file.Files.writeString(script, """
                set -eu
                ip link set lo up
                for a in 10.244.1.3 10.244.2.3 10.244.0.9; do ip addr add "$a/32" dev lo; done
                ip route add 10.96.0.0/12 dev lo
                iptables-restore --noflush < "$1"
                iptables-restore --noflush < "$2"
                for a in 10.244.1.3 10.244.2.3; do
                  mkdir -p "$3/$a"; echo "$a" > "$3/$a/who"
                  (cd "$3/$a" && exec python3 -m http.server --bind "$a" 8080 >/dev/null 2>&1) &
                done
                trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
                for i in $(seq 1 100); do
                  curl -s -o /dev/null http://10.244.1.3:8080/who && curl -s -o /dev/null http://10.244.2.3:8080/who && break
                  sleep 0.1
                done
                for i in $(seq 1 20); do curl -s --max-time 3 --interface 10.244.0.9 "http://$4:8080/who"; done
                exit 0
                """);
        Fixtures.Result result = Fixtures.run(null, "/usr/bin/unshare", "-n", "/bin/sh", script.toString(), hooks.toString(),
                proxy.toString(), dir.toString(), clusterIp);
        assertEquals(0, result.exitCode(), result.output());
        java.util.List<String> lines = result.output().lines().filter(l -> l.startsWith("10.244.")).toList();
        assertEquals(20, lines.size(), result.output());
        return java.util.Set.copyOf(lines);
    }
}

package dev.netpaths.lab.dataplane;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rules NODE [NS/SERVICE]}: one Service's kube-proxy chains, read back from a node with {@code iptables-save -c}
 * (so each rule shows its {@code [packets:bytes]} counters). The entry rules are those in KUBE-SERVICES and
 * KUBE-NODEPORTS whose comment names the Service, as kube-proxy writes them ({@code "ns/name:port cluster IP"}); from
 * there every per-Service chain they jump to (KUBE-SVC-, KUBE-SVL-, KUBE-EXT-, KUBE-FW-, KUBE-SEP-) is followed.
 */
public final class KubeProxyRules {
    /** The chains kube-proxy makes per Service or endpoint. */
    private static final Pattern PER_SERVICE = Pattern.compile("KUBE-(SVC|SVL|EXT|FW|SEP)-[A-Z0-9]+");
    private static final Pattern JUMP = Pattern.compile(" -j (\\S+)");
    private static final Pattern COMMENT = Pattern.compile("--comment (\"[^\"]*\"|\\S+)");
    /** The chains kube-proxy starts a Service's packets in. */
    private static final List<String> ENTRY_CHAINS = List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES");

    private KubeProxyRules() {
    }

    /** Rules of one table from {@code iptables-save -c} text, by chain, in order. */
    public static Map<String, List<String>> byChain(String save) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : save.split("\n")) {
            if (line.startsWith(":")) {
                out.putIfAbsent(line.substring(1).split(" ")[0], new ArrayList<>());
            }
            int a = line.indexOf("-A ");
            if (a >= 0 && (a == 0 || line.startsWith("["))) {
                String chain = line.substring(a + 3).split(" ")[0];
                out.computeIfAbsent(chain, k -> new ArrayList<>()).add(line);
            }
        }
        return out;
    }

    /** Whether a rule's comment names this Service ({@code ns/name}, {@code ns/name:port ...}), not one whose name starts alike. */
    static boolean names(String rule, String service) {
        Matcher m = COMMENT.matcher(rule);
        if (!m.find()) {
            return false;
        }
        String c = m.group(1).replace("\"", "");
        return c.equals(service) || c.startsWith(service + ":") || c.startsWith(service + " ");
    }

    /**
     * The Service's rules: entry rules per entry chain, then each per-Service chain reached from them, in the order
     * they are reached. Empty when the node has no rule for it.
     */
    public static Map<String, List<String>> forService(String save, String service) {
        Map<String, List<String>> chains = byChain(save);
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> follow = new LinkedHashSet<>();
        for (String entry : ENTRY_CHAINS) {
            List<String> mine = chains.getOrDefault(entry, List.of()).stream().filter(r -> names(r, service)).toList();
            if (!mine.isEmpty()) {
                out.put(entry, mine);
                mine.forEach(r -> jumps(r, follow));
            }
        }
        List<String> queue = new ArrayList<>(follow);
        for (int i = 0; i < queue.size(); i++) {
            String chain = queue.get(i);
            List<String> rules = chains.getOrDefault(chain, List.of());
            out.put(chain, rules);
            Set<String> next = new LinkedHashSet<>();
            rules.forEach(r -> jumps(r, next));
            next.stream().filter(c -> !queue.contains(c)).forEach(queue::add);
        }
        return out;
    }

    private static void jumps(String rule, Set<String> into) {
        Matcher m = JUMP.matcher(rule);
        if (m.find() && PER_SERVICE.matcher(m.group(1)).matches()) {
            into.add(m.group(1));
        }
    }

    /** The Services that have rules in this table: the {@code ns/name} of every KUBE-SERVICES and KUBE-NODEPORTS comment. */
    public static Set<String> services(String save) {
        Set<String> out = new java.util.TreeSet<>();
        Map<String, List<String>> chains = byChain(save);
        for (String entry : List.of("KUBE-SERVICES", "KUBE-NODEPORTS")) {
            for (String r : chains.getOrDefault(entry, List.of())) {
                Matcher m = COMMENT.matcher(r);
                if (m.find()) {
                    String c = m.group(1).replace("\"", "");
                    String name = c.split("[: ]")[0];
                    if (name.matches("[a-z0-9-]+/[a-z0-9.-]+")) {
                        out.add(name);
                    }
                }
            }
        }
        return out;
    }

    /** Chain by chain, each rule with its counters, indented under its chain name. */
    public static String render(Map<String, List<String>> chains) {
        StringBuilder b = new StringBuilder();
        chains.forEach((chain, rules) -> {
            b.append(chain).append('\n');
            if (rules.isEmpty()) {
                b.append("  (no rules)\n");
            }
            rules.forEach(r -> b.append("  ").append(r).append('\n'));
        });
        return b.toString();
    }
}

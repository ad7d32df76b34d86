package dev.netpaths.lab.dataplane;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rules NODE [NS/SERVICE]} in nftables mode: the {@code ip kube-proxy} table read back with
 * {@code nft list table ip kube-proxy} (each rule with the lab's {@code counter packets N bytes M}), cut into chains,
 * sets and maps. A Service's chains are those whose name carries {@code NS/NAME/} (kube-proxy's chain names spell
 * the Service out, {@code service-HASH-ns/name/proto/port}), its map elements those that jump to them or name it.
 */
public final class KubeProxyNftRules {
    private static final Pattern BLOCK = Pattern.compile("^\\t(chain|set|map) (\\S+) \\{");
    private static final Pattern PER_SERVICE = Pattern.compile("(service|local|external|firewall|endpoint|affinity)-[A-Z0-9]{8}-([a-z0-9-]+/[a-z0-9.-]+)/.*");

    private KubeProxyNftRules() {
    }

    /** Blocks of {@code nft list table} output by "chain NAME", "map NAME", "set NAME", each with its inner lines. */
    public static Map<String, List<String>> blocks(String listing) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : listing.split("\n")) {
            Matcher m = BLOCK.matcher(line);
            if (m.find()) {
                current = new ArrayList<>();
                out.put(m.group(1) + " " + m.group(2), current);
            } else if (current != null && line.startsWith("\t\t")) {
                current.add(line.strip());
            } else if (line.equals("\t}")) {
                current = null;
            }
        }
        return out;
    }

    /** The Services that have chains in the table ({@code ns/name}). */
    public static Set<String> services(String listing) {
        Set<String> out = new TreeSet<>();
        for (String block : blocks(listing).keySet()) {
            Matcher m = PER_SERVICE.matcher(block.substring(block.indexOf(' ') + 1));
            if (m.matches()) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    /**
     * One Service: the map elements that lead to its chains or name it ({@code service-ips}, {@code service-nodeports},
     * {@code no-endpoint-*}, {@code firewall-ips}), then its chains. Empty when the table has nothing for it.
     */
    public static Map<String, List<String>> forService(String listing, String service) {
        Map<String, List<String>> all = blocks(listing);
        Map<String, List<String>> out = new LinkedHashMap<>();
        String infix = "-" + service + "/";
        String named = "\"" + service + ":";
        String namedBare = "\"" + service + "\"";
        all.forEach((block, lines) -> {
            if (block.startsWith("map ")) {
                List<String> mine = new ArrayList<>();
                for (String l : lines) {
                    for (String element : l.replaceFirst("^elements = \\{", "").replaceFirst("}$", "").split(",\\s*")) {
                        if (element.contains(infix) || element.contains(named) || element.contains(namedBare)) {
                            mine.add(element.strip());
                        }
                    }
                }
                if (!mine.isEmpty()) {
                    out.put(block, mine);
                }
            }
        });
        all.forEach((block, lines) -> {
            if (!block.startsWith("map ") && block.contains(infix)) {
                out.put(block, lines);
            }
        });
        return out;
    }
}

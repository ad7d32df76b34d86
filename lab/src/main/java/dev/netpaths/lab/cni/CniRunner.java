package dev.netpaths.lab.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.state.Journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs a CNI reference plugin inside the node namespace exactly as kubelet's CRI would (CNI_* environment, conf on stdin). */
public final class CniRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Journal journal;

    public CniRunner(Journal journal) {
        this.journal = journal;
    }

    /**
     * ADD: journals the attachment (for DEL on teardown), runs the plugin, returns the pod's IPv4 address.
     *
     * @param confFile where the conf is kept for the DEL
     */
    public String add(String nodeNs, String podNs, String plugin, String conf, Path confFile, String podName) {
        try {
            Files.createDirectories(confFile.getParent());
            Files.writeString(confFile, conf);
        } catch (IOException e) {
            throw new LabException("cannot write " + confFile + ": " + e.getMessage(), e);
        }
        journal.cni(nodeNs, podNs, podNs, confFile, plugin);
        Sh.Result r = Sh.exec(conf, List.of(), Duration.ofSeconds(20),
                Sh.inNs(nodeNs, "env", "CNI_COMMAND=ADD", "CNI_CONTAINERID=" + podNs, "CNI_NETNS=/var/run/netns/" + podNs,
                        "CNI_IFNAME=eth0", "CNI_PATH=/usr/lib/cni", "/usr/lib/cni/" + plugin));
        if (!r.ok()) {
            // CNI plugins report errors as JSON on stdout
            throw new LabException("CNI plugin " + plugin + " failed for pod " + podName + ": " + (r.out() + " " + r.err()).strip());
        }
        return podIp(r.out(), plugin, podName);
    }

    static String podIp(String result, String plugin, String podName) {
        try {
            JsonNode ips = JSON.readTree(result).path("ips");
            for (JsonNode ip : ips) {
                String addr = ip.path("address").asText();
                if (addr.contains(".")) {
                    return addr.substring(0, addr.indexOf('/'));
                }
            }
        } catch (IOException e) {
            // fall through to the error below, with the raw result
        }
        throw new LabException("CNI plugin " + plugin + " gave pod " + podName + " no IPv4 address: " + result.strip());
    }
}

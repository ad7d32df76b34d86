package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every fixed nodePort lies in the default NodePort range 30000-32767 and is used by one Service only
 * (one Service may use the same number for TCP and UDP).
 */
public final class NodePortCheck implements Check {

    public static final int MIN = 30000;
    public static final int MAX = 32767;

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        Map<Integer, Manifest> owners = new HashMap<>();
        for (Manifest svc : manifests) {
            if (!svc.is("", "Service")) {
                continue;
            }
            int i = 0;
            for (JsonNode port : svc.spec().path("ports")) {
                String field = "spec.ports[" + i++ + "].nodePort";
                if (!port.has("nodePort")) {
                    continue;
                }
                int nodePort = port.get("nodePort").asInt();
                if (nodePort < MIN || nodePort > MAX) {
                    findings.add(svc.finding(field, nodePort + " is outside the NodePort range " + MIN + "-" + MAX));
                }
                Manifest owner = owners.putIfAbsent(nodePort, svc);
                if (owner != null && owner != svc) {
                    findings.add(svc.finding(field, nodePort + " is already used by " + owner.describe()));
                }
            }
        }
        return findings;
    }
}

package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every pod template meets the Pod Security Standard "restricted" (the rules below, as the
 * PodSecurity admission controller checks them, so PSA enforce=restricted on the namespaces admits
 * every pod), plus the netpaths hardening on top of it. Rules, each finding tagged with its id:
 * <ul>
 *   <li>baseline/host-namespaces: hostNetwork, hostPID, hostIPC unset or false</li>
 *   <li>baseline/privileged: no container privileged</li>
 *   <li>baseline/host-ports: no container hostPort</li>
 *   <li>restricted/volume-types: only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim,
 *       projected, secret volumes (so no hostPath)</li>
 *   <li>restricted/allowPrivilegeEscalation: false on every container</li>
 *   <li>restricted/runAsNonRoot: true on the pod or on every container, false nowhere</li>
 *   <li>restricted/runAsUser: never 0</li>
 *   <li>restricted/seccompProfile: RuntimeDefault or Localhost on the pod or on every container, Unconfined nowhere</li>
 *   <li>restricted/capabilities: every container drops ALL and adds nothing but NET_BIND_SERVICE</li>
 *   <li>netpaths/runAsUser: a numeric runAsUser on the pod or every container (images need not declare a user)</li>
 *   <li>netpaths/readOnlyRootFilesystem: true on every container</li>
 *   <li>netpaths/tmp: every container mounts an emptyDir at /tmp (Quarkus and Vert.x write there)</li>
 * </ul>
 */
public final class PodSecurityCheck implements Check {

    static final Set<String> ALLOWED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (PodTemplate t : PodTemplate.all(manifests)) {
            check(t, findings);
        }
        return findings;
    }

    private static void check(PodTemplate t, List<String> findings) {
        Manifest m = t.owner();
        JsonNode spec = t.spec();
        JsonNode pod = spec.path("securityContext");
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (spec.path(host).asBoolean(false)) {
                findings.add(m.finding(t.field(host), "[baseline/host-namespaces] must not be true"));
            }
        }
        List<String> emptyDirs = new ArrayList<>();
        for (JsonNode volume : spec.path("volumes")) {
            String name = volume.path("name").asText("?");
            volume.fieldNames().forEachRemaining(type -> {
                if (!type.equals("name") && !ALLOWED_VOLUMES.contains(type)) {
                    findings.add(m.finding(t.field("volumes[" + name + "]." + type),
                            "[restricted/volume-types] volume type " + type + " is not allowed"));
                }
            });
            if (volume.has("emptyDir")) {
                emptyDirs.add(name);
            }
        }
        boolean podNonRoot = pod.path("runAsNonRoot").asBoolean(false);
        boolean podUser = pod.path("runAsUser").isIntegralNumber();
        String podSeccomp = pod.path("seccompProfile").path("type").asText("");
        if (pod.path("runAsNonRoot").isBoolean() && !podNonRoot) {
            findings.add(m.finding(t.field("securityContext.runAsNonRoot"), "[restricted/runAsNonRoot] must not be false"));
        }
        if (podUser && pod.path("runAsUser").asLong() == 0) {
            findings.add(m.finding(t.field("securityContext.runAsUser"), "[restricted/runAsUser] must not be 0"));
        }
        if (podSeccomp.equals("Unconfined")) {
            findings.add(m.finding(t.field("securityContext.seccompProfile.type"), "[restricted/seccompProfile] must not be Unconfined"));
        }
        for (PodTemplate.ContainerRef c : t.containers()) {
            JsonNode sc = c.node().path("securityContext");
            String f = c.field() + ".securityContext";
            if (sc.path("privileged").asBoolean(false)) {
                findings.add(m.finding(f + ".privileged", "[baseline/privileged] must not be true"));
            }
            for (JsonNode port : c.node().path("ports")) {
                if (port.path("hostPort").asInt(0) != 0) {
                    findings.add(m.finding(c.field() + ".ports[" + port.path("name").asText("?") + "].hostPort",
                            "[baseline/host-ports] must not be set"));
                }
            }
            if (!(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.get("allowPrivilegeEscalation").asBoolean())) {
                findings.add(m.finding(f + ".allowPrivilegeEscalation", "[restricted/allowPrivilegeEscalation] must be false"));
            }
            JsonNode nonRoot = sc.path("runAsNonRoot");
            if (nonRoot.isBoolean() ? !nonRoot.asBoolean() : !podNonRoot) {
                findings.add(m.finding(f + ".runAsNonRoot", "[restricted/runAsNonRoot] must be true (here or in the pod's securityContext)"));
            }
            if (sc.path("runAsUser").isIntegralNumber() && sc.get("runAsUser").asLong() == 0) {
                findings.add(m.finding(f + ".runAsUser", "[restricted/runAsUser] must not be 0"));
            }
            if (!sc.path("runAsUser").isIntegralNumber() && !podUser) {
                findings.add(m.finding(f + ".runAsUser", "[netpaths/runAsUser] a numeric user must be set (here or in the pod's securityContext)"));
            }
            String seccomp = sc.path("seccompProfile").path("type").asText(podSeccomp);
            boolean reportedOnPod = !sc.path("seccompProfile").has("type") && podSeccomp.equals("Unconfined");
            if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost") && !reportedOnPod) {
                findings.add(m.finding(f + ".seccompProfile.type", "[restricted/seccompProfile] must be RuntimeDefault or Localhost"
                        + " (here or in the pod's securityContext), is " + (seccomp.isEmpty() ? "unset" : seccomp)));
            }
            JsonNode caps = sc.path("capabilities");
            boolean dropsAll = false;
            for (JsonNode drop : caps.path("drop")) {
                dropsAll |= drop.asText().equals("ALL");
            }
            if (!dropsAll) {
                findings.add(m.finding(f + ".capabilities.drop", "[restricted/capabilities] must contain ALL"));
            }
            for (JsonNode add : caps.path("add")) {
                if (!add.asText().equals("NET_BIND_SERVICE")) {
                    findings.add(m.finding(f + ".capabilities.add", "[restricted/capabilities] may add only NET_BIND_SERVICE, adds " + add.asText()));
                }
            }
            if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                findings.add(m.finding(f + ".readOnlyRootFilesystem", "[netpaths/readOnlyRootFilesystem] must be true"));
            }
            boolean tmp = false;
            for (JsonNode mount : c.node().path("volumeMounts")) {
                tmp |= mount.path("mountPath").asText().equals("/tmp") && emptyDirs.contains(mount.path("name").asText());
            }
            if (!tmp && !c.list().equals("ephemeralContainers")) {
                findings.add(m.finding(c.field() + ".volumeMounts", "[netpaths/tmp] needs an emptyDir mounted at /tmp"
                        + " (the root filesystem is read-only)"));
            }
        }
    }
}

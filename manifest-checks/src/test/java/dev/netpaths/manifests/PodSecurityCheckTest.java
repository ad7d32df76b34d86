package dev.netpaths.manifests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.netpaths.manifests.Fixtures.array;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;
import static dev.netpaths.manifests.Fixtures.at;
import static dev.netpaths.manifests.Fixtures.broken;

/** Each PSS "restricted" rule (and each netpaths hardening rule) fails a pod template that breaks it. */
class PodSecurityCheckTest {

    private static final String APP = "/spec/template/spec/containers/0";
    private static final String SIDECAR = "/spec/template/spec/initContainers/0";

    static Stream<Arguments> violations() {
        return Stream.of(
                violation("a privileged container", "Deployment netpaths/echo",
                        d -> at(d, APP + "/securityContext").put("privileged", true),
                        "spec.template.spec.containers[app].securityContext.privileged: [baseline/privileged] must not be true"),
                violation("no runAsNonRoot anywhere", "Deployment netpaths/echo-v2", d -> {
                            at(d, "/spec/template/spec/securityContext").remove("runAsNonRoot");
                            at(d, APP + "/securityContext").remove("runAsNonRoot");
                        },
                        "containers[app].securityContext.runAsNonRoot: [restricted/runAsNonRoot] must be true"),
                violation("runAsNonRoot false on the pod", "DaemonSet netpaths/caller", d ->
                                at(d, "/spec/template/spec/securityContext").put("runAsNonRoot", false),
                        "spec.template.spec.securityContext.runAsNonRoot: [restricted/runAsNonRoot] must not be false"),
                violation("running as root", "Deployment netpaths-other/echo", d ->
                                at(d, APP + "/securityContext").put("runAsUser", 0),
                        "containers[app].securityContext.runAsUser: [restricted/runAsUser] must not be 0"),
                violation("no numeric user", "Deployment netpaths-other/echo", d ->
                                at(d, "/spec/template/spec/securityContext").remove("runAsUser"),
                        "containers[app].securityContext.runAsUser: [netpaths/runAsUser] a numeric user must be set"),
                violation("privilege escalation allowed in the native sidecar", "Deployment netpaths/sidecar-demo", d ->
                                at(d, SIDECAR + "/securityContext").put("allowPrivilegeEscalation", true),
                        "initContainers[sidecar].securityContext.allowPrivilegeEscalation: [restricted/allowPrivilegeEscalation] must be false"),
                violation("capabilities not dropped", "Deployment netpaths/echo", d ->
                                at(d, APP + "/securityContext").remove("capabilities"),
                        "containers[app].securityContext.capabilities.drop: [restricted/capabilities] must contain ALL"),
                violation("a capability added", "Deployment netpaths/echo", d ->
                                at(d, APP + "/securityContext/capabilities").putArray("add").add("NET_ADMIN"),
                        "[restricted/capabilities] may add only NET_BIND_SERVICE, adds NET_ADMIN"),
                violation("seccomp Unconfined", "Deployment netpaths/echo", d ->
                                at(d, "/spec/template/spec/securityContext/seccompProfile").put("type", "Unconfined"),
                        "spec.template.spec.securityContext.seccompProfile.type: [restricted/seccompProfile] must not be Unconfined"),
                violation("no seccomp profile", "Deployment netpaths/echo-v2", d ->
                                at(d, "/spec/template/spec/securityContext").remove("seccompProfile"),
                        "containers[app].securityContext.seccompProfile.type: [restricted/seccompProfile] must be RuntimeDefault or Localhost"),
                violation("the host network", "DaemonSet netpaths/caller", d ->
                                at(d, "/spec/template/spec").put("hostNetwork", true),
                        "spec.template.spec.hostNetwork: [baseline/host-namespaces] must not be true"),
                violation("a host port", "Deployment netpaths/echo", d ->
                                at(d, APP + "/ports/0").put("hostPort", 8080),
                        "[baseline/host-ports] must not be set"),
                violation("a hostPath volume", "Deployment netpaths/echo", d ->
                                array(d, "/spec/template/spec/volumes").addObject().put("name", "host")
                                        .putObject("hostPath").put("path", "/"),
                        "spec.template.spec.volumes[host].hostPath: [restricted/volume-types] volume type hostPath is not allowed"),
                violation("a writable root filesystem", "Deployment netpaths/echo", d ->
                                at(d, APP + "/securityContext").put("readOnlyRootFilesystem", false),
                        "containers[app].securityContext.readOnlyRootFilesystem: [netpaths/readOnlyRootFilesystem] must be true"),
                violation("no /tmp emptyDir", "Deployment netpaths/echo", d ->
                                at(d, APP).remove("volumeMounts"),
                        "containers[app].volumeMounts: [netpaths/tmp] needs an emptyDir mounted at /tmp"));
    }

    private static Arguments violation(String what, String id, Consumer<ObjectNode> change, String expected) {
        return Arguments.of(what, id, change, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void aPodTemplateBreakingARuleFails(String what, String id, Consumer<ObjectNode> change, String expected) {
        List<Manifest> manifests = broken(Fixtures.overlay("kind"), id, change);
        assertOnlyFinding(new PodSecurityCheck().check(manifests), id + ": ", expected);
    }
}

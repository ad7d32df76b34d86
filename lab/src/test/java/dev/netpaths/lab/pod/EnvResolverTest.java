package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvResolverTest {
    private static final ConfigMap JVM = new ConfigMapBuilder().withNewMetadata().withName("netpaths-jvm-abc").withNamespace("netpaths").endMetadata()
            .addToData("JAVA_TOOL_OPTIONS", "-Xmx64m").addToData("SERVICE_VERSION", "from-configmap").build();

    private static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("echo-7d9c6-x2b4q").withNamespace("netpaths").withUid("u-1")
                .addToLabels("version", "v1").endMetadata()
                .withNewSpec().withNodeName("netpaths-worker").endSpec()
                .withNewStatus().withPodIP("10.244.1.3").withHostIP("172.18.0.3").endStatus().build();
    }

    @Test
    void downwardApiConfigMapsAndLiteralsResolveInKubeletOrder() {
        Container c = new ContainerBuilder().withName("app")
                .addNewEnvFrom().withNewConfigMapRef().withName("netpaths-jvm-abc").endConfigMapRef().endEnvFrom()
                .addNewEnv().withName("SERVICE_VERSION").withValue("v1").endEnv()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("VERSION_LABEL").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['version']").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("JVM").withNewValueFrom().withNewConfigMapKeyRef().withName("netpaths-jvm-abc").withKey("JAVA_TOOL_OPTIONS").endConfigMapKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("URL").withValue("http://$(POD_IP):8080/$(UNKNOWN)/$$(POD_IP)").endEnv()
                .build();

        Map<String, String> env = new EnvResolver(List.of(JVM)).resolve(pod(), c);

        assertEquals("-Xmx64m", env.get("JAVA_TOOL_OPTIONS"));
        assertEquals("v1", env.get("SERVICE_VERSION"), "env overrides envFrom");
        assertEquals("echo-7d9c6-x2b4q", env.get("POD_NAME"));
        assertEquals("netpaths", env.get("POD_NAMESPACE"));
        assertEquals("netpaths-worker", env.get("NODE_NAME"));
        assertEquals("10.244.1.3", env.get("POD_IP"));
        assertEquals("172.18.0.3", env.get("HOST_IP"));
        assertEquals("v1", env.get("VERSION_LABEL"));
        assertEquals("-Xmx64m", env.get("JVM"));
        assertEquals("http://10.244.1.3:8080/$(UNKNOWN)/$(POD_IP)", env.get("URL"));
    }

    @Test
    void configMapInAnotherNamespaceIsNotVisible() {
        Pod other = pod();
        other.getMetadata().setNamespace("netpaths-other");
        Container c = new ContainerBuilder().withName("app")
                .addNewEnvFrom().withNewConfigMapRef().withName("netpaths-jvm-abc").endConfigMapRef().endEnvFrom().build();
        LabException e = assertThrows(LabException.class, () -> new EnvResolver(List.of(JVM)).resolve(other, c));
        assertTrue(e.getMessage().contains("netpaths-other/netpaths-jvm-abc"), e.getMessage());
    }

    @Test
    void optionalMissingConfigMapIsSkipped() {
        Container c = new ContainerBuilder().withName("app")
                .addNewEnvFrom().withNewConfigMapRef().withName("absent").withOptional(true).endConfigMapRef().endEnvFrom().build();
        assertTrue(new EnvResolver(List.of()).resolve(pod(), c).isEmpty());
    }

    @Test
    void unsupportedSourcesFailNamingThePodAndContainer() {
        Container c = new ContainerBuilder().withName("app")
                .addNewEnv().withName("TOKEN").withNewValueFrom().withNewSecretKeyRef().withName("s").withKey("k").endSecretKeyRef().endValueFrom().endEnv().build();
        LabException e = assertThrows(LabException.class, () -> new EnvResolver(List.of()).resolve(pod(), c));
        assertTrue(e.getMessage().startsWith("pod netpaths/echo-7d9c6-x2b4q container app: env TOKEN"), e.getMessage());
    }
}

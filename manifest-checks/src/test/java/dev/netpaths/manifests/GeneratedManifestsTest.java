package dev.netpaths.manifests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.netpaths.manifests.Fixtures.assertNoFindings;
import static dev.netpaths.manifests.Fixtures.assertOnlyFinding;

/** The hand-written workloads agree with what the Quarkus extension generates from each service's configuration. */
class GeneratedManifestsTest {

    @Test
    void theHandWrittenWorkloadsAgreeWithTheBuildOutput() {
        assertNoFindings(GeneratedManifests.drift(Fixtures.LAYOUT));
    }

    private static final String BUILT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: echo
              labels:
                app.kubernetes.io/name: echo
                app.kubernetes.io/managed-by: quarkus
              annotations:
                app.quarkus.io/quarkus-version: 3.33.2
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                    - name: app
                      image: netpaths/echo-service:0.1.0
                      env:
                        - name: KUBERNETES_NAMESPACE
                          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                        - name: SERVICE_NAME
                          value: echo-service
                      ports:
                        - {name: http, containerPort: 8080, protocol: TCP}
                        - {name: udp, containerPort: 5005, protocol: UDP}
                      readinessProbe:
                        httpGet: {path: /q/health/ready, port: 8080, scheme: HTTP}
                        periodSeconds: 2
                        successThreshold: 1
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
            spec:
              type: ClusterIP
              ports:
                - {name: udp, port: 5005, protocol: UDP, targetPort: 5005}
                - {name: http, port: 8080, protocol: TCP, targetPort: 8080}
            """;

    private static final String WRITTEN = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: echo
              labels:
                app.kubernetes.io/name: echo-service
            spec:
              replicas: 2
              template:
                spec:
                  containers:
                    - name: app
                      image: netpaths/echo-service:0.1.0
                      ports:
                        - {name: udp, containerPort: 5005, protocol: UDP}
                        - {name: http, containerPort: 8080}
                      env:
                        - name: SERVICE_NAME
                          value: echo-service
                      readinessProbe:
                        httpGet: {path: /q/health/ready, port: http}
                        periodSeconds: 2
            """;

    private static final String SERVICE = """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
            spec:
              ports:
                - {name: http, port: 8080, targetPort: http}
                - {name: udp, port: 5005, protocol: UDP, targetPort: udp}
            """;

    @Test
    void theHandWrittenManifestsStateNoApiDefault() {
        assertNoFindings(GeneratedManifests.statedDefaults(Fixtures.LAYOUT, "k8s/base"));
    }

    @Test
    void aFieldAtItsApiDefaultIsNamedWithItsPath(@TempDir Path root) throws IOException {
        RepoLayout layout = repo(root, BUILT, WRITTEN.replace("{name: http, containerPort: 8080}",
                "{name: http, containerPort: 8080, protocol: TCP}") + SERVICE);
        assertOnlyFinding(GeneratedManifests.statedDefaults(layout, "k8s/base"),
                "k8s/base/workloads/echo-service/deployment.yaml: Deployment echo: spec.template.spec.containers[0].ports[1].protocol:"
                        + " \"TCP\" is the API server's default; leave it out");
    }

    @Test
    void labelsReplicasStampsDefaultsAndPortsByNameAreDeliberateDifferences(@TempDir Path root) throws IOException {
        RepoLayout layout = repo(root, BUILT, WRITTEN + SERVICE);
        assertNoFindings(GeneratedManifests.drift(layout, "echo-service"));
    }

    @Test
    void aValueTheConfigurationChangedIsDriftNamingTheFieldAndTheFix(@TempDir Path root) throws IOException {
        RepoLayout layout = repo(root, BUILT.replace("periodSeconds: 2", "periodSeconds: 3"), WRITTEN + SERVICE);
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "k8s/base/workloads/echo-service/deployment.yaml: Deployment echo:",
                "spec.template.spec.containers[name=app].readinessProbe.periodSeconds: generated 3, written 2",
                "echo-service/src/main/resources/application.properties");
    }

    @Test
    void aPortNameThatNamesAnotherPortIsDrift(@TempDir Path root) throws IOException {
        RepoLayout layout = repo(root, BUILT, WRITTEN + SERVICE.replace("targetPort: http", "targetPort: udp"));
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "Service echo: spec.ports[name=http].targetPort: generated 8080, written \"udp\"");
    }

    @Test
    void aGeneratedObjectWithoutAHandWrittenOneIsDrift(@TempDir Path root) throws IOException {
        RepoLayout layout = repo(root, BUILT, WRITTEN);
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "k8s/base/workloads/echo-service has no Service echo, which echo-service/target/kubernetes/kubernetes.yml generates");
    }

    @Test
    void anEnvVariableTheHandWrittenFileLacksIsDrift(@TempDir Path root) throws IOException {
        String extra = "            - {name: EXTRA, value: x}\n            - name: SERVICE_NAME\n";
        RepoLayout layout = repo(root, BUILT.replace("            - name: SERVICE_NAME\n", extra), WRITTEN + SERVICE);
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "spec.template.spec.containers[name=app].env[name=EXTRA]: generated", "written <absent>");
    }

    @Test
    void aMissingBuildOutputAsksForMvnPackage(@TempDir Path root) throws IOException {
        RepoLayout layout = repo(root, BUILT, WRITTEN);
        Files.delete(layout.builtGenerated("echo-service"));
        assertOnlyFinding(GeneratedManifests.drift(layout, "echo-service"),
                "echo-service/target/kubernetes/kubernetes.yml does not exist: run mvn package first");
    }

    private static RepoLayout repo(Path root, String built, String written) throws IOException {
        RepoLayout layout = new RepoLayout(root);
        Files.createDirectories(layout.builtGenerated("echo-service").getParent());
        Files.createDirectories(layout.handWritten("echo-service"));
        Files.writeString(layout.builtGenerated("echo-service"), built);
        Files.writeString(layout.handWritten("echo-service").resolve("deployment.yaml"), written);
        Files.writeString(layout.handWritten("echo-service").resolve("kustomization.yaml"), "resources: [deployment.yaml]\n");
        return layout;
    }
}

package dev.netpaths.conformance.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One lab cluster as an API server: the lab's {@code cluster.yaml} (a v1 List with status) loaded into fabric8's
 * mock server in CRUD mode, so {@link Discovery} runs exactly the code it runs against a real cluster.
 */
public final class LabCluster implements AutoCloseable {

    public static final String STATE_FILE = "cluster.yaml";
    /** The mock server logs every request at INFO; a run's output is the matrix, not that. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final String directoryName;

    private LabCluster(KubernetesMockServer server, KubernetesClient client, String directoryName) {
        this.server = server;
        this.client = client;
        this.directoryName = directoryName;
    }

    /** Every {@code <stateDir>/<cluster>/cluster.yaml}, sorted by directory name (first = cluster A). */
    public static List<Path> clusterFiles(Path stateDir) {
        try (Stream<Path> dirs = Files.list(stateDir)) {
            // By directory NAME: "netpaths" before "netpaths-b" (whole paths would sort '-' before '/').
            return dirs.filter(Files::isDirectory).sorted(Comparator.comparing(d -> d.getFileName().toString()))
                    .map(d -> d.resolve(STATE_FILE)).filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read lab state directory " + stateDir, e);
        }
    }

    /**
     * How long one request to the in-process API server may take. fabric8's default, 10 s, was outlived by the first
     * request of a load on a machine starved of CPU (load average ~50): the client then completes the request with a
     * TimeoutException that has no message (kubernetes-client-api 7.5.2, utils/AsyncUtils.withTimeout), and the
     * harness stopped with "cannot load v1 Node ...: null". A local request that takes this long means a stalled
     * machine, not a slow one.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    public static LabCluster load(Path clusterYaml) {
        return load(clusterYaml, REQUEST_TIMEOUT, new KubernetesCrudDispatcher());
    }

    static LabCluster load(Path clusterYaml, Duration requestTimeout, KubernetesCrudDispatcher dispatcher) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false) {
            @Override
            protected Config initConfig() {
                return new ConfigBuilder(super.initConfig()).withRequestTimeout((int) requestTimeout.toMillis()).build();
            }
        };
        server.init(InetAddress.getLoopbackAddress(), 0);
        Discovery.customResources().forEach(rdc -> server.expectCustomResource(crdContext(rdc)));
        KubernetesClient client = server.createClient();
        try (InputStream in = Files.newInputStream(clusterYaml)) {
            for (HasMetadata item : client.load(in).items()) {
                create(client, item, requestTimeout);
            }
        } catch (IOException e) {
            server.destroy();
            throw new UncheckedIOException("cannot read " + clusterYaml, e);
        } catch (RuntimeException e) {
            server.destroy();
            throw e;
        }
        return new LabCluster(server, client, clusterYaml.getParent().getFileName().toString());
    }

    /**
     * Creates (or replaces) the object with its status: the CRUD server drops status on create, so it is written
     * again. Custom resources the harness does not read (MetalLB pools, Istio's own Gateway, ...) are stored too,
     * under a context derived from the object, so the List loads whole.
     */
    private static void create(KubernetesClient client, HasMetadata item, Duration requestTimeout) {
        boolean hasStatus = client.getKubernetesSerialization().convertValue(item, Map.class).get("status")
                instanceof Map<?, ?> status && !status.isEmpty();
        var op = item instanceof GenericKubernetesResource generic
                ? (item.getMetadata().getNamespace() == null
                        ? client.genericKubernetesResources(context(generic)).resource(generic)
                        : client.genericKubernetesResources(context(generic))
                                .inNamespace(item.getMetadata().getNamespace()).resource(generic))
                : client.resource(item);
        try {
            op.createOr(NonDeletingOperation::update);
            if (hasStatus) {
                op.updateStatus();
            }
        } catch (KubernetesClientException e) {
            String why = e.getCause() instanceof TimeoutException
                    ? "the in-process API server gave no answer within " + requestTimeout.toSeconds() + " s (is the "
                            + "machine starved of CPU?)"
                    : e.getMessage();
            throw new IllegalStateException("cannot load " + item.getApiVersion() + " " + item.getKind() + " "
                    + item.getMetadata().getNamespace() + "/" + item.getMetadata().getName() + ": " + why, e);
        }
    }

    private static ResourceDefinitionContext context(GenericKubernetesResource item) {
        return Discovery.customResources().stream()
                .filter(c -> c.getKind().equals(item.getKind())
                        && item.getApiVersion().equals(c.getGroup() + "/" + c.getVersion()))
                .findFirst()
                .orElseGet(() -> {
                    String[] groupVersion = item.getApiVersion().split("/", 2);
                    return new ResourceDefinitionContext.Builder().withKind(item.getKind())
                            .withGroup(groupVersion.length == 2 ? groupVersion[0] : "")
                            .withVersion(groupVersion[groupVersion.length - 1])
                            .withPlural(item.getKind().toLowerCase(Locale.ROOT) + "s")
                            .withNamespaced(item.getMetadata().getNamespace() != null).build();
                });
    }

    private static CustomResourceDefinitionContext crdContext(ResourceDefinitionContext rdc) {
        return new CustomResourceDefinitionContext.Builder().withGroup(rdc.getGroup()).withVersion(rdc.getVersion())
                .withKind(rdc.getKind()).withPlural(rdc.getPlural())
                .withScope(rdc.isNamespaceScoped() ? "Namespaced" : "Cluster").withStatusSubresource(true)
                .build();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The state directory's name for this cluster (used when the ConfigMap names no cluster). */
    public String directoryName() {
        return directoryName;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}

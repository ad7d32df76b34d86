package dev.netpaths.conformance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Loading the lab's cluster.yaml on a machine starved of CPU: the in-process API server may answer the first request
 * of a load late. The harness waits {@link LabCluster#REQUEST_TIMEOUT} for it (fabric8's 10 s default was outlived),
 * and a request that still gets no answer names the wait instead of "null".
 */
class LabClusterLoadTest {

    static final Path CLUSTER = LabClusterDiscoveryTest.STATE.resolve("netpaths").resolve(LabCluster.STATE_FILE);

    /** The CRUD API server, with its first create answered {@code delay} late (the first request of a load). */
    static KubernetesCrudDispatcher slowFirstCreate(Duration delay) {
        AtomicInteger creates = new AtomicInteger();
        return new KubernetesCrudDispatcher() {
            @Override
            public MockResponse handleCreate(RecordedRequest request) {
                if (creates.getAndIncrement() == 0) {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.handleCreate(request);
            }
        };
    }

    @Test
    void theClientWaitsForTheInProcessServerLongerThanFabric8sDefault() {
        try (LabCluster lab = LabCluster.load(CLUSTER)) {
            assertEquals((int) LabCluster.REQUEST_TIMEOUT.toMillis(), (int) lab.client().getConfiguration().getRequestTimeout());
        }
        assertTrue(LabCluster.REQUEST_TIMEOUT.toSeconds() > 10, "fabric8's default is 10 s");
    }

    @Test
    void aLateFirstAnswerWithinTheTimeoutLoadsTheWholeCluster() {
        try (LabCluster lab = LabCluster.load(CLUSTER, Duration.ofSeconds(20), slowFirstCreate(Duration.ofSeconds(2)))) {
            assertEquals(3, lab.client().nodes().list().getItems().size());
        }
    }

    @Test
    void noAnswerWithinTheTimeoutIsNamedNotNull() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LabCluster.load(CLUSTER,
                Duration.ofSeconds(1), slowFirstCreate(Duration.ofSeconds(3))).close());
        assertTrue(e.getMessage().startsWith("cannot load v1 Node null/netpaths-control-plane: the in-process API "
                + "server gave no answer within 1 s"), e.getMessage());
    }
}

package dev.netpaths.echo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.netpaths.testsupport.PackagedApp;

/**
 * SIGTERM on the packaged app, as the kubelet sends it: readiness turns DOWN first and the request in flight
 * still completes.
 */
class GracefulShutdownIT {

    private static final Pattern ACTIVE_REQUESTS =
            Pattern.compile("(?m)^http_server_active_requests(?:\\{[^}]*})? (\\S+)");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void duringTheShutdownDelayReadinessIsDownButRequestsAreStillServed() throws Exception {
        try (PackagedApp app = startEcho(Map.of("POD_NAME", "drain-pod"))) {
            CompletableFuture<HttpResponse<String>> inFlight = startSlowRequest(app);

            app.sigterm();

            awaitReadinessDown(app);
            assertFalse(inFlight.isDone(), "the slow request ended before readiness was seen DOWN");
            HttpResponse<String> newRequest = get(app, "/echo");
            assertEquals(200, newRequest.statusCode(), "a request arriving during the delay is still served");
            assertSlowRequestCompleted(inFlight);
            assertExits(app);
        }
    }

    @Test
    void withoutDelayTheInFlightRequestIsStillDrained() throws Exception {
        try (PackagedApp app = startEcho(Map.of("POD_NAME", "drain-pod", "QUARKUS_SHUTDOWN_DELAY", "0s"))) {
            CompletableFuture<HttpResponse<String>> inFlight = startSlowRequest(app);

            app.sigterm();

            awaitReadinessDown(app);
            assertFalse(inFlight.isDone(), "the slow request ended before readiness was seen DOWN");
            assertSlowRequestCompleted(inFlight);
            assertExits(app);
            assertTrue(app.output().contains("Waiting for HTTP requests to complete"), app.output());
        }
    }

    /** The packaged echo-service on random HTTP and UDP ports plus {@code env}, once it listens. */
    private static PackagedApp startEcho(Map<String, String> env) throws Exception {
        Map<String, String> withUdp = new HashMap<>(env);
        withUdp.put("NETPATHS_ECHO_UDP_PORT", "0");
        return PackagedApp.start(withUdp);
    }

    /** /delay/1500, sent once the app is ready and returned once the server is working on it. */
    private CompletableFuture<HttpResponse<String>> startSlowRequest(PackagedApp app) throws Exception {
        // A poll the starting JVM answers later than its 2 s timeout (a loaded machine) is one more poll. Bounded
        // generously and left as soon as it is ready: on a loaded 2-core machine echo's start to ready has taken
        // 8-16 s (docs/benchmarks.md, figure 7), and a fresh-clone run beside a lab failed here at the old 10 s.
        await().atMost(Duration.ofSeconds(60)).ignoreException(HttpTimeoutException.class)
                .until(() -> get(app, "/q/health/ready").statusCode() == 200);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(app.uri("/delay/1500")).build(), BodyHandlers.ofString());
        // Besides the scrape reading the gauge: 1 means the slow request is being served.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> activeRequests(app) >= 1);
        return inFlight;
    }

    private void awaitReadinessDown(PackagedApp app) {
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> get(app, "/q/health/ready").statusCode() == 503);
    }

    private static void assertSlowRequestCompleted(CompletableFuture<HttpResponse<String>> inFlight)
            throws Exception {
        HttpResponse<String> slow = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, slow.statusCode());
        assertTrue(slow.body().contains("\"pod\":\"drain-pod\""), slow.body());
        assertTrue(slow.body().contains("\"path\":\"/delay/1500\""), slow.body());
    }

    private static void assertExits(PackagedApp app) throws InterruptedException {
        assertTrue(app.waitForExit(Duration.ofSeconds(20)), "still running after SIGTERM:\n" + app.output());
        assertEquals(143, app.process().exitValue(), "128 + SIGTERM, after a clean shutdown:\n" + app.output());
    }

    private double activeRequests(PackagedApp app) throws Exception {
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(app.uri("/q/metrics"))
                .header("Accept", "text/plain").build(), BodyHandlers.ofString());
        Matcher matcher = ACTIVE_REQUESTS.matcher(metrics.body());
        // Quarkus's binder counts every request from its start, this scrape included.
        return matcher.find() ? Double.parseDouble(matcher.group(1)) - 1 : 0;
    }

    private HttpResponse<String> get(PackagedApp app, String path) throws IOException, InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(2)).build(),
                    BodyHandlers.ofString());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}

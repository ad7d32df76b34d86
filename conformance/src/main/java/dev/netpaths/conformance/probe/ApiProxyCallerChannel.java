package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
import dev.netpaths.conformance.discovery.Topology;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real cluster: the caller pod is reached through the API server's pod proxy
 * ({@code /api/v1/namespaces/<ns>/pods/<pod>:8080/proxy/...}) with the kube context's credentials.
 */
public final class ApiProxyCallerChannel implements CallerChannel {

    private final KubernetesClient client;

    public ApiProxyCallerChannel(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public String get(Topology.Pod caller, String pathAndQuery, Duration timeout) throws ProbeException {
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/"
                + caller.namespace() + "/pods/" + caller.name() + ":8080/proxy" + pathAndQuery;
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(url).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        try {
            HttpResponse<String> response = http.sendAsync(request, String.class)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.code() >= 400) {
                throw new ProbeException(ErrorKind.HTTP_STATUS, "API server pod proxy to " + caller.name()
                        + " answered " + response.code() + ": " + EchoJson.cap(response.body()));
            }
            return response.body();
        } catch (TimeoutException e) {
            throw new ProbeException(ErrorKind.READ_TIMEOUT, "API server pod proxy to " + caller.name()
                    + " gave no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new ProbeException(ErrorKind.OTHER, "API server pod proxy to " + caller.name() + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeException(ErrorKind.OTHER, "interrupted");
        }
    }
}

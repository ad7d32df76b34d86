package dev.netpaths.conformance.catalogue;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of the entry-point route table (docs/architecture.md): the request, who must answer, and which
 * APIs express the route. Each row becomes a case per API, named {@code <api><Behaviour>}.
 *
 * @param hostOverride a Host header other than the API's hostname (the unknown-host row)
 * @param service      the Service ({@code namespace/name}) the row's route ends at, as its {@code proves} names it
 *                     (gateway-config's routes, checked by EntryRouteServiceTest); null where the entry point
 *                     answers itself or the route ends at more than one
 */
public record EntryRoute(String behaviour, String proves, String path, Map<String, String> headers,
                         String hostOverride, Expect expect, Set<EntryApi> apis, Policy policy, String service) {

    public EntryRoute(String behaviour, String proves, String path, Map<String, String> headers, String hostOverride,
                      Expect expect, Set<EntryApi> apis, Policy policy) {
        this(behaviour, proves, path, headers, hostOverride, expect, apis, policy, null);
    }

    /** This row, its route ending at Service {@code namespaceAndName}. */
    EntryRoute via(String namespaceAndName) {
        return new EntryRoute(behaviour, proves, path, headers, hostOverride, expect, apis, policy, namespaceAndName);
    }

    /**
     * What the row takes from an Envoy Gateway policy covering its path (read from the cluster, never a copy):
     * {@code API_KEY} sends a key of the SecurityPolicy's Secret in its header; {@code RATE_LIMIT} sends twice the
     * BackendTrafficPolicy's limit and one more, so at least one try is past it even if the bucket refills once.
     */
    public enum Policy { NONE, API_KEY, RATE_LIMIT }

    public EntryRoute(String behaviour, String proves, String path, Map<String, String> headers, String hostOverride,
                      Expect expect, Set<EntryApi> apis) {
        this(behaviour, proves, path, headers, hostOverride, expect, apis, Policy.NONE);
    }

    static final Set<EntryApi> ALL = Set.of(EntryApi.INGRESS, EntryApi.GATEWAY, EntryApi.ISTIO);
    static final Set<EntryApi> GATEWAY_AND_ISTIO = Set.of(EntryApi.GATEWAY, EntryApi.ISTIO);

    /** Where a row's text says what lets a route cross namespaces: that differs per API ({@link #proves(EntryApi)}). */
    static final String CROSS_NAMESPACE = "{crossNamespace}";

    public static final List<EntryRoute> TABLE = List.of(
            new EntryRoute("RoutesV1PathToV1", "path prefix /v1 is routed to netpaths/echo (v1)",
                    "/v1/echo", Map.of(), null, Expect.answeredBy(Backend.echo("netpaths", "v1")), ALL).via("netpaths/echo"),
            new EntryRoute("RoutesV2PathToV2", "path prefix /v2 is routed to netpaths/echo-v2 (v2)",
                    "/v2/echo", Map.of(), null, Expect.answeredBy(Backend.echo("netpaths", "v2")), ALL).via("netpaths/echo-v2"),
            new EntryRoute("RoutesVersionHeaderToV2", "header x-netpaths-version: v2 is routed to echo-v2",
                    "/echo", Map.of("x-netpaths-version", "v2"), null,
                    Expect.answeredBy(Backend.echo("netpaths", "v2")), GATEWAY_AND_ISTIO).via("netpaths/echo-v2"),
            new EntryRoute("SplitsEightyTwenty", "/split sends 80% to v1 and 20% to v2 (500 requests, ±6 points)",
                    "/split", Map.of(), null, Expect.split(Map.of("v1", 80, "v2", 20), 6), GATEWAY_AND_ISTIO),
            new EntryRoute("RoutesOtherToOtherNamespace",
                    "/other reaches netpaths-other/echo across namespaces (" + CROSS_NAMESPACE + ")",
                    "/other", Map.of(), null, Expect.answeredBy(Backend.echo("netpaths-other", null)),
                    GATEWAY_AND_ISTIO).via("netpaths-other/echo"),
            new EntryRoute("RefusesOtherDeniedWithoutReferenceGrant",
                    "/other-denied to netpaths-other/echo-restricted has no ReferenceGrant: the gateway answers 500",
                    "/other-denied", Map.of(), null, Expect.statusNotFromEcho(500), Set.of(EntryApi.GATEWAY)),
            new EntryRoute("RefusesKeyedPathWithoutApiKey",
                    "/keyed without an API key: the gateway answers 401 (SecurityPolicy echo-keyed, apiKeyAuth)",
                    "/keyed", Map.of(), null, Expect.statusNotFromEcho(401), Set.of(EntryApi.GATEWAY)),
            new EntryRoute("AnswersKeyedPathWithApiKey",
                    "/keyed with a key from the SecurityPolicy's Secret, in its header: served by netpaths/echo",
                    "/keyed", Map.of(), null, Expect.answeredBy(Backend.echo("netpaths", "v1")),
                    Set.of(EntryApi.GATEWAY), Policy.API_KEY).via("netpaths/echo"),
            new EntryRoute("RateLimitsLimitedPath",
                    "/limited past its BackendTrafficPolicy's local rate limit (2 x limit + 1 tries): 429 from the "
                            + "gateway, every other answer from echo",
                    "/limited", Map.of(), null, Expect.rateLimited(), Set.of(EntryApi.GATEWAY), Policy.RATE_LIMIT)
                    .via("netpaths/echo"),
            new EntryRoute("AnswersUnmatchedPathWithNotFound", "an unmatched path gets 404 from the proxy, not echo",
                    "/no-such-route", Map.of(), null, Expect.statusNotFromEcho(404), ALL),
            new EntryRoute("AnswersUnknownHostWithNotFound", "an unknown Host gets 404 from the proxy, not echo",
                    "/v1/echo", Map.of(), "unknown.netpaths.test", Expect.statusNotFromEcho(404), ALL));

    /** What the row proves for one API: a Gateway API route needs a ReferenceGrant to cross namespaces, Istio's not. */
    public String proves(EntryApi api) {
        return proves.replace(CROSS_NAMESPACE, api.crossNamespace);
    }
}

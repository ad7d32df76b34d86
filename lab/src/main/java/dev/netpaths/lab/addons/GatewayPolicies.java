package dev.netpaths.lab.addons;

import dev.netpaths.lab.api.Kube;
import dev.netpaths.lab.api.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Envoy Gateway policies the lab's gateway stand-in models, read from the objects (gateway.envoyproxy.io/v1alpha1,
 * envoyproxy/gateway v1.9.0 {@code api/v1alpha1/}): a SecurityPolicy's {@code apiKeyAuth} (keys from Opaque Secrets,
 * one per client id, taken from one request header; Envoy's api_key_auth filter answers 401 without a known key) and a
 * BackendTrafficPolicy's {@code rateLimit.local} with one rule without {@code clientSelectors} (the route's token
 * bucket; Envoy's local_ratelimit filter answers 429 without a token). Both attach to an HTTPRoute, or to one of its
 * rules by name ({@code sectionName}). Every other field is refused with "the lab does not model &lt;field&gt;".
 */
public final class GatewayPolicies {
    static final String API_VERSION = "gateway.envoyproxy.io/v1alpha1";
    static final String SECURITY_POLICY = "SecurityPolicy";
    static final String BACKEND_TRAFFIC_POLICY = "BackendTrafficPolicy";
    private static final String GROUP = "gateway.networking.k8s.io";
    /** Envoy Gateway's RateLimitUnit values nginx's limit_req can express (rate in r/s or r/m). */
    private static final Map<String, String> NGINX_RATE_UNITS = Map.of("Second", "s", "Minute", "m");

    /** API keys: the request header carrying the key, the accepted keys (client id → key, in Secret order). */
    record ApiKeys(String policy, String header, Map<String, String> keys) {
    }

    /** A local rate limit: {@code requests} per {@code unit} ("s" or "m", nginx's rate units). */
    record RateLimit(String policy, long requests, String unit) {
    }

    /** The policies that apply to one rule: null when none. */
    record RulePolicies(ApiKeys apiKeys, RateLimit rateLimit) {
        static final RulePolicies NONE = new RulePolicies(null, null);
    }

    private final Map<String, ApiKeys> apiKeys = new LinkedHashMap<>();
    private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();

    /** No policies (a cluster without Envoy Gateway's CRDs). */
    static final GatewayPolicies NONE = new GatewayPolicies();

    private GatewayPolicies() {
    }

    /**
     * Reads the SecurityPolicies and BackendTrafficPolicies among {@code objects}.
     *
     * @throws IllegalArgumentException naming the policy and the field when it uses what the lab does not model,
     *                                  or references a missing Secret or key
     */
    public static GatewayPolicies read(List<HasMetadata> objects, List<Secret> secrets) {
        GatewayPolicies policies = new GatewayPolicies();
        for (GenericKubernetesResource p : Manifests.ofKind(objects, "gateway.envoyproxy.io", SECURITY_POLICY)) {
            String where = SECURITY_POLICY + " " + Kube.key(p);
            Map<String, Object> spec = map(p.getAdditionalProperties().get("spec"));
            refuseOthers(where, "spec", spec, Set.of("targetRefs", "targetRef", "apiKeyAuth"));
            Map<String, Object> auth = map(spec.get("apiKeyAuth"));
            if (auth.isEmpty()) {
                throw new IllegalArgumentException(where + ": the lab models only spec.apiKeyAuth");
            }
            refuseOthers(where, "spec.apiKeyAuth", auth, Set.of("credentialRefs", "extractFrom"));
            ApiKeys keys = new ApiKeys(Kube.key(p), header(where, auth), keys(where, Kube.namespace(p), auth, secrets));
            for (String target : targets(where, p, spec)) {
                policies.apiKeys.put(target, keys);
            }
        }
        for (GenericKubernetesResource p : Manifests.ofKind(objects, "gateway.envoyproxy.io", BACKEND_TRAFFIC_POLICY)) {
            String where = BACKEND_TRAFFIC_POLICY + " " + Kube.key(p);
            Map<String, Object> spec = map(p.getAdditionalProperties().get("spec"));
            refuseOthers(where, "spec", spec, Set.of("targetRefs", "targetRef", "rateLimit"));
            Map<String, Object> rateLimit = map(spec.get("rateLimit"));
            refuseOthers(where, "spec.rateLimit", rateLimit, Set.of("local"));
            RateLimit limit = rateLimit(where, Kube.key(p), map(rateLimit.get("local")));
            for (String target : targets(where, p, spec)) {
                policies.rateLimits.put(target, limit);
            }
        }
        return policies;
    }

    /**
     * The policies of rule {@code rule} (index) named {@code ruleName} (or null) of the route {@code namespace/route}: a
     * policy on the rule by name wins over one on the whole route, as Envoy Gateway ranks them (route rule-level before
     * route-level, site/content/en/latest/concepts/gateway_api_extensions/security-policy.md).
     */
    RulePolicies forRule(String routeKey, String ruleName) {
        String byName = ruleName == null ? null : routeKey + "#" + ruleName;
        ApiKeys keys = byName != null && apiKeys.containsKey(byName) ? apiKeys.get(byName) : apiKeys.get(routeKey);
        RateLimit limit = byName != null && rateLimits.containsKey(byName) ? rateLimits.get(byName) : rateLimits.get(routeKey);
        return keys == null && limit == null ? RulePolicies.NONE : new RulePolicies(keys, limit);
    }

    private static RateLimit rateLimit(String where, String policy, Map<String, Object> local) {
        if (local.isEmpty()) {
            throw new IllegalArgumentException(where + ": the lab models only spec.rateLimit.local");
        }
        refuseOthers(where, "spec.rateLimit.local", local, Set.of("rules"));
        List<Object> rules = list(local.get("rules"));
        if (rules.size() != 1) {
            throw new IllegalArgumentException(where + ": the lab does not model spec.rateLimit.local.rules with "
                    + rules.size() + " rules (it models one rule without clientSelectors)");
        }
        Map<String, Object> rule = map(rules.get(0));
        refuseOthers(where, "spec.rateLimit.local.rules[0]", rule, Set.of("limit"));
        Map<String, Object> limit = map(rule.get("limit"));
        refuseOthers(where, "spec.rateLimit.local.rules[0].limit", limit, Set.of("requests", "unit"));
        String unit = String.valueOf(limit.get("unit"));
        if (!NGINX_RATE_UNITS.containsKey(unit)) {
            throw new IllegalArgumentException(where + ": the lab does not model spec.rateLimit.local.rules[0].limit.unit "
                    + unit + " (nginx's limit_req rates are per second or per minute)");
        }
        if (!(limit.get("requests") instanceof Number requests) || requests.longValue() < 1) {
            throw new IllegalArgumentException(where + ": spec.rateLimit.local.rules[0].limit.requests must be a number >= 1");
        }
        return new RateLimit(policy, requests.longValue(), NGINX_RATE_UNITS.get(unit));
    }

    private static String header(String where, Map<String, Object> auth) {
        List<Object> sources = list(auth.get("extractFrom"));
        if (sources.size() != 1) {
            throw new IllegalArgumentException(where + ": the lab does not model spec.apiKeyAuth.extractFrom with "
                    + sources.size() + " entries (it models one entry with one header)");
        }
        Map<String, Object> source = map(sources.get(0));
        refuseOthers(where, "spec.apiKeyAuth.extractFrom[0]", source, Set.of("headers"));
        List<Object> headers = list(source.get("headers"));
        if (headers.size() != 1) {
            throw new IllegalArgumentException(where + ": the lab does not model spec.apiKeyAuth.extractFrom[0].headers with "
                    + headers.size() + " headers (it models one)");
        }
        return String.valueOf(headers.get(0));
    }

    private static Map<String, String> keys(String where, String namespace, Map<String, Object> auth, List<Secret> secrets) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Object o : list(auth.get("credentialRefs"))) {
            Map<String, Object> ref = map(o);
            refuseOthers(where, "spec.apiKeyAuth.credentialRefs[]", ref, Set.of("group", "kind", "name"));
            if (!"".equals(String.valueOf(ref.getOrDefault("group", ""))) || !"Secret".equals(ref.getOrDefault("kind", "Secret"))) {
                throw new IllegalArgumentException(where + ": credentialRefs must name core Secrets");
            }
            Secret secret = secrets.stream().filter(s -> Kube.namespace(s).equals(namespace)
                    && s.getMetadata().getName().equals(ref.get("name"))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(where + ": Secret " + namespace + "/" + ref.get("name")
                            + " does not exist"));
            // "If the secrets have a key for a duplicated client, the first one will be used."
            secretData(secret).forEach(keys::putIfAbsent);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(where + ": spec.apiKeyAuth.credentialRefs name no Secret with a key");
        }
        return keys;
    }

    /** A Secret's data as the API server holds it: {@code data} (base64) merged with {@code stringData} (wins). */
    public static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        return data;
    }

    /** Moves a Secret's {@code stringData} into {@code data} (base64), as the API server stores it. */
    public static void storeStringData(Secret secret) {
        if (secret.getStringData() == null || secret.getStringData().isEmpty()) {
            return;
        }
        Map<String, String> data = new LinkedHashMap<>(secret.getData() == null ? Map.of() : secret.getData());
        secret.getStringData().forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        secret.setData(data);
        secret.setStringData(null);
    }

    /** The attachment keys ("ns/route" or "ns/route#rule") of the policy's HTTPRoute targets. */
    private static List<String> targets(String where, HasMetadata policy, Map<String, Object> spec) {
        List<Object> refs = new ArrayList<>(list(spec.get("targetRefs")));
        if (spec.get("targetRef") != null) {
            refs.add(spec.get("targetRef"));
        }
        List<String> targets = new ArrayList<>();
        for (Object o : refs) {
            Map<String, Object> ref = map(o);
            refuseOthers(where, "spec.targetRefs[]", ref, Set.of("group", "kind", "name", "sectionName"));
            if (!GROUP.equals(ref.get("group")) || !"HTTPRoute".equals(ref.get("kind"))) {
                throw new IllegalArgumentException(where + ": the lab does not model spec.targetRefs of kind "
                        + ref.get("kind") + " (it models HTTPRoute targets)");
            }
            String route = Kube.namespace(policy) + "/" + ref.get("name");
            targets.add(ref.get("sectionName") == null ? route : route + "#" + ref.get("sectionName"));
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(where + ": the lab does not model spec.targetSelectors (give targetRefs)");
        }
        return targets;
    }

    private static void refuseOthers(String where, String path, Map<String, Object> object, Set<String> modelled) {
        object.keySet().stream().filter(k -> !modelled.contains(k)).sorted().findFirst().ifPresent(k -> {
            throw new IllegalArgumentException(where + ": the lab does not model " + path + "." + k);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}

package dev.netpaths.manifests;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates the kinds fabric8 has no model for (Istio networking.istio.io/v1 Gateway and VirtualService,
 * MetalLB metallb.io/v1beta1 IPAddressPool and L2Advertisement) against JSON Schemas vendored from their
 * CRDs' openAPIV3Schema, under {@code schemas/<apiVersion>/<Kind>.json} on the classpath (each names its
 * CRD, version and source in {@code $comment}). Unknown fields are rejected.
 */
public final class SchemaCheck implements Check {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    static String resource(Manifest m) {
        return "/schemas/" + m.apiVersion() + "/" + m.kind() + ".json";
    }

    public static boolean hasSchema(Manifest m) {
        return !m.apiVersion().isEmpty() && !m.kind().isEmpty() && SchemaCheck.class.getResource(resource(m)) != null;
    }

    @Override
    public List<String> check(List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (Manifest m : manifests) {
            if (StrictModelCheck.hasModel(m) || !hasSchema(m)) {
                continue;
            }
            JsonSchema schema = CACHE.computeIfAbsent(resource(m), SchemaCheck::load);
            List<ValidationMessage> messages = new ArrayList<>(schema.validate(m.body()));
            messages.sort(Comparator.comparing(ValidationMessage::getMessage));
            for (ValidationMessage message : messages) {
                findings.add(m.describe() + ": " + message.getMessage() + " (schema " + resource(m).substring(1) + ")");
            }
        }
        return findings;
    }

    private static JsonSchema load(String resource) {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ManifestException("missing schema " + resource);
            }
            return FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new ManifestException("cannot read schema " + resource + ": " + e.getMessage(), e);
        }
    }
}

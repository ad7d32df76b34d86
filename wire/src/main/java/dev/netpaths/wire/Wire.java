package dev.netpaths.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads the payloads of this package from the bytes another process sent. */
public final class Wire {

    /** Tolerant of fields and enum values it does not know: a newer sender may add some. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE, true);

    private Wire() {}

    /** Empty unless {@code body} is a JSON object that reads as {@code type}. */
    public static <T> Optional<T> read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0 || firstNonBlank(body) != '{') {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readValue(body, type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public static <T> Optional<T> read(String body, Class<T> type) {
        return body == null ? Optional.empty() : read(body.getBytes(StandardCharsets.UTF_8), type);
    }

    private static int firstNonBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b;
            }
        }
        return -1;
    }
}

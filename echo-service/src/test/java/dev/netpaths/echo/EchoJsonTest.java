package dev.netpaths.echo;

import dev.netpaths.wire.EchoReply;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.netpaths.wire.Identity;

/** EchoJson writes byte for byte what Jackson writes for the same {@link EchoReply}. */
class EchoJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Identity IDENTITY = new Identity("echo-service", "v1", "echo-7d9f-x\"q", "netpaths",
            "node-1", "10.244.1.3", "172.18.0.2", "lab \u00e9");

    @Test
    void aPlainGetIsWrittenAsJacksonWritesIt() throws JsonProcessingException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("127.0.0.1:8080"));
        assertSameAsJackson(new EchoReply.Request("GET", "/echo", "", "127.0.0.1:8080", headers, "", 0, false,
                "127.0.0.1", 40000, null, null, null));
    }

    @Test
    void everyFieldSetAndHeadersWithSeveralValues() throws JsonProcessingException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("x-forwarded-for", List.of("203.0.113.7", "10.0.0.1"));
        headers.put("x-empty", List.of(""));
        headers.put("user-agent", List.of("curl/8.5"));
        assertSameAsJackson(new EchoReply.Request("POST", "/v1/echo", "a=1&b=%22", null, headers, "hello", 70000,
                true, "::1", 65535, "203.0.113.7, 10.0.0.1", "for=203.0.113.7;proto=http", "203.0.113.7"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "quote \" and backslash \\ and slash /", "controls \b\t\n\f\r \u0000\u0001\u001f\u007f",
            "latin \u00e9\u00ff, cjk \u4e2d\u6587, emoji \ud83d\ude00, replacement \ufffd",
            "{\"json\":[1,2]}", "" })
    void stringsAreEscapedAsJacksonEscapesThem(String text) throws JsonProcessingException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(text, List.of(text, text));
        assertSameAsJackson(new EchoReply.Request(text, text, text, text, headers, text, text.length(), false, text,
                1, text, text, text));
    }

    @Test
    void aBodyLargerThanTheInitialBufferIsWrittenWhole() throws JsonProcessingException {
        assertSameAsJackson(new EchoReply.Request("PUT", "/big", "", "x", Map.of(), "a\"b".repeat(30000), 90000,
                false, "127.0.0.1", 2, null, null, null));
    }

    private static void assertSameAsJackson(EchoReply.Request request) throws JsonProcessingException {
        String expected = MAPPER.writeValueAsString(EchoReply.of(IDENTITY, request));

        String written = new EchoJson(IDENTITY, MAPPER).write(request).toString(StandardCharsets.UTF_8);

        assertEquals(expected, written);
    }
}

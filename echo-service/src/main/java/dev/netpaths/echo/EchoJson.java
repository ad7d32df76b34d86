package dev.netpaths.echo;

import dev.netpaths.wire.EchoReply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import dev.netpaths.wire.Identity;

/**
 * Writes the echo JSON (docs/architecture.md: the identity fields, then {@code request}) straight into a buffer:
 * the bytes Jackson writes for wire's {@link EchoReply} (same fields, order and escapes; EchoJsonTest
 * compares the two), at a quarter of the cost. The echo is the benchmarked answer (docs/benchmarks.md): Jackson's
 * record serialiser, with a reflective call per field, was a sixth of its time per request. The identity never
 * changes, so Jackson writes it once, at startup.
 */
final class EchoJson {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** A typical echo is about 400 bytes; the buffer grows for more. */
    private static final int INITIAL_CAPACITY = 512;

    // The request's fields, in EchoReply.Request's order.
    private static final byte[] METHOD = key('{', "method");
    private static final byte[] PATH = key(',', "path");
    private static final byte[] QUERY = key(',', "query");
    private static final byte[] HOST = key(',', "host");
    private static final byte[] HEADERS = key(',', "headers");
    private static final byte[] BODY = key(',', "body");
    private static final byte[] BODY_BYTES = key(',', "bodyBytes");
    private static final byte[] BODY_TRUNCATED = key(',', "bodyTruncated");
    private static final byte[] CLIENT_IP = key(',', "clientIp");
    private static final byte[] CLIENT_PORT = key(',', "clientPort");
    private static final byte[] X_FORWARDED_FOR = key(',', "xForwardedFor");
    private static final byte[] FORWARDED = key(',', "forwarded");
    private static final byte[] X_REAL_IP = key(',', "xRealIp");
    /** The end of the request object, then of the echo. */
    private static final byte[] END = "}}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    /** {@code {"service":...,"cluster":...,"request":} : the identity fields, then the request's name. */
    private final byte[] head;

    EchoJson(Identity identity, ObjectMapper mapper) throws JsonProcessingException {
        String fields = mapper.writeValueAsString(identity);
        // {"a":1,"b":2} -> {"a":1,"b":2,"request":
        head = (fields.substring(0, fields.length() - 1) + ",\"request\":").getBytes(StandardCharsets.UTF_8);
    }

    Buffer write(EchoReply.Request request) {
        Out out = new Out(INITIAL_CAPACITY + request.body().length());
        out.raw(head);
        out.raw(METHOD);
        out.stringOrNull(request.method());
        out.raw(PATH);
        out.stringOrNull(request.path());
        out.raw(QUERY);
        out.stringOrNull(request.query());
        out.raw(HOST);
        out.stringOrNull(request.host());
        out.raw(HEADERS);
        out.headers(request.headers());
        out.raw(BODY);
        out.stringOrNull(request.body());
        out.raw(BODY_BYTES);
        out.ascii(Long.toString(request.bodyBytes()));
        out.raw(BODY_TRUNCATED);
        out.raw(request.bodyTruncated() ? TRUE : FALSE);
        out.raw(CLIENT_IP);
        out.stringOrNull(request.clientIp());
        out.raw(CLIENT_PORT);
        out.ascii(Integer.toString(request.clientPort()));
        out.raw(X_FORWARDED_FOR);
        out.stringOrNull(request.xForwardedFor());
        out.raw(FORWARDED);
        out.stringOrNull(request.forwarded());
        out.raw(X_REAL_IP);
        out.stringOrNull(request.xRealIp());
        out.raw(END);
        return Buffer.buffer(Unpooled.wrappedBuffer(out.bytes, 0, out.size));
    }

    /** {@code "name":} after the character before it, encoded once: the names need no escaping. */
    private static byte[] key(char before, String name) {
        return (before + "\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte array with the few JSON writes the echo needs. */
    private static final class Out {

        /** The longest a char can get: {@code \}{@code u00XX}; a UTF-8 sequence is at most 3 bytes per char. */
        private static final int MAX_BYTES_PER_CHAR = 6;

        private byte[] bytes;
        private int size;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        void headers(Map<String, List<String>> headers) {
            raw('{');
            boolean first = true;
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (!first) {
                    raw(',');
                }
                first = false;
                string(header.getKey());
                raw(':');
                raw('[');
                List<String> values = header.getValue();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        raw(',');
                    }
                    string(values.get(i));
                }
                raw(']');
            }
            raw('}');
        }

        void stringOrNull(String value) {
            if (value == null) {
                raw(NULL);
            } else {
                string(value);
            }
        }

        void ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
        }

        void raw(byte[] data) {
            ensure(data.length);
            System.arraycopy(data, 0, bytes, size, data.length);
            size += data.length;
        }

        void raw(char c) {
            ensure(1);
            bytes[size++] = (byte) c;
        }

        /**
         * A JSON string escaped as Jackson escapes it by default: quote and backslash, the short escapes for
         * backspace, tab, newline, form feed and carriage return, {@code \}{@code u00XX} for the other control
         * characters; everything else as UTF-8 (a lone surrogate, which no decoded request holds, as '?').
         */
        void string(String text) {
            int length = text.length();
            ensure(length * MAX_BYTES_PER_CHAR + 2);
            byte[] b = bytes;
            int at = size;
            b[at++] = '"';
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    if (c >= 0x20 && c != '"' && c != '\\') {
                        b[at++] = (byte) c;
                    } else {
                        at = escape(b, at, c);
                    }
                } else if (c < 0x800) {
                    b[at++] = (byte) (0xC0 | c >> 6);
                    b[at++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < length
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int code = Character.toCodePoint(c, text.charAt(++i));
                    b[at++] = (byte) (0xF0 | code >> 18);
                    b[at++] = (byte) (0x80 | code >> 12 & 0x3F);
                    b[at++] = (byte) (0x80 | code >> 6 & 0x3F);
                    b[at++] = (byte) (0x80 | code & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    b[at++] = '?';
                } else {
                    b[at++] = (byte) (0xE0 | c >> 12);
                    b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[at++] = (byte) (0x80 | c & 0x3F);
                }
            }
            b[at++] = '"';
            size = at;
        }

        private static int escape(byte[] b, int at, char c) {
            b[at++] = '\\';
            switch (c) {
                case '"', '\\' -> b[at++] = (byte) c;
                case '\b' -> b[at++] = 'b';
                case '\t' -> b[at++] = 't';
                case '\n' -> b[at++] = 'n';
                case '\f' -> b[at++] = 'f';
                case '\r' -> b[at++] = 'r';
                default -> {
                    b[at++] = 'u';
                    b[at++] = '0';
                    b[at++] = '0';
                    b[at++] = HEX[c >> 4];
                    b[at++] = HEX[c & 0xF];
                }
            }
            return at;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}

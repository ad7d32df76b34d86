package dev.netpaths.echo;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/** Keeps the first {@code limit} bytes of a streamed body and counts all of them. */
final class BodyCapture {

    private final int limit;
    /** Created with the first chunk: most echoed requests (GET) have no body. */
    private Buffer kept;
    private long total;

    BodyCapture(int limit) {
        this.limit = limit;
    }

    void append(Buffer chunk) {
        total += chunk.length();
        if (kept == null) {
            kept = Buffer.buffer(Math.min(limit, chunk.length()));
        }
        int room = limit - kept.length();
        if (room > 0) {
            kept.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
        }
    }

    String text() {
        return kept == null ? "" : kept.toString(StandardCharsets.UTF_8);
    }

    long totalBytes() {
        return total;
    }

    boolean truncated() {
        return total > (kept == null ? 0 : kept.length());
    }
}

package dev.netpaths.echo;

import java.nio.charset.StandardCharsets;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Keeps the first {@code limit} bytes of a streamed body and counts all of them, so a large upload never sits in
 * memory. The resource methods declare no body parameter: Quarkus REST leaves the body unread, and it is streamed
 * from the Vert.x request here.
 */
final class BodyCapture {

    private final int limit;
    /** Created with the first chunk: most echoed requests (GET) have no body. */
    private Buffer kept;
    private long total;

    BodyCapture(int limit) {
        this.limit = limit;
    }

    /** The request's body, read to its end on the request's event loop. */
    static Uni<BodyCapture> read(HttpServerRequest request, int limit) {
        BodyCapture capture = new BodyCapture(limit);
        if (request.isEnded()) {
            return Uni.createFrom().item(capture);
        }
        return Uni.createFrom().emitter(done -> {
            request.handler(capture::append);
            request.exceptionHandler(done::fail);
            request.endHandler(end -> done.complete(capture));
            request.resume();
        });
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

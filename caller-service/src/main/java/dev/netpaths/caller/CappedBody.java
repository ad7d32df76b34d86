package dev.netpaths.caller;

import java.io.ByteArrayOutputStream;

/** Collects at most {@code max} bytes of a response; anything beyond marks it truncated. */
final class CappedBody {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int max;
    private boolean truncated;

    CappedBody(int max) {
        this.max = max;
    }

    void write(byte[] data, int length) {
        int room = max - bytes.size();
        bytes.write(data, 0, Math.min(room, length));
        truncated |= length > room;
    }

    boolean truncated() {
        return truncated;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}

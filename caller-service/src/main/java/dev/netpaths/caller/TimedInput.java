package dev.netpaths.caller;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.LongConsumer;

/**
 * A socket's input that enforces one deadline over all reads (not a fresh timeout per read) and reports
 * when the first byte arrived.
 */
final class TimedInput extends FilterInputStream {
    private final Socket socket;
    private final long deadlineNanos;
    private final LongConsumer onFirstByte;
    private boolean seenByte;

    TimedInput(Socket socket, long deadlineNanos, LongConsumer onFirstByte) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        this.deadlineNanos = deadlineNanos;
        this.onFirstByte = onFirstByte;
    }

    /** Milliseconds left before the deadline, at least 1; throws once it has passed. */
    static int remainingMs(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (ms <= 0) {
            throw new SocketTimeoutException("Read timed out");
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        socket.setSoTimeout(remainingMs(deadlineNanos));
        int n = super.read(buffer, offset, length);
        if (n > 0 && !seenByte) {
            seenByte = true;
            onFirstByte.accept(System.nanoTime());
        }
        return n;
    }
}

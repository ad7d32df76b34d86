package dev.netpaths.wire;

import java.io.IOException;

/** The {@code error} of an attempt or a resolution: the kind, and what the failure said. */
public record ErrorInfo(ErrorKind kind, String message) {

    public static ErrorInfo of(ErrorKind kind, String message) {
        return new ErrorInfo(kind, message);
    }

    /** {@link ErrorKind#classify}, keeping the exception's message (its class name when it has none). */
    public static ErrorInfo classify(ErrorKind.Phase phase, IOException e) {
        return new ErrorInfo(ErrorKind.classify(phase, e),
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}

package dev.netpaths.conformance.probe;

import dev.netpaths.wire.ErrorKind;
/** A try that got no usable answer, already classified. */
public final class ProbeException extends Exception {

    private final ErrorKind kind;

    public ProbeException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}

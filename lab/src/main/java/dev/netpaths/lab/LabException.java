package dev.netpaths.lab;

/** A lab step failed; the message says which step, for what, and what the tool printed. */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}

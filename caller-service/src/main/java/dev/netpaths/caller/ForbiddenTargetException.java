package dev.netpaths.caller;

/** A target the prober refuses to reach: answered with 403. */
public class ForbiddenTargetException extends RuntimeException {
    public ForbiddenTargetException(String reason) {
        super(reason, null, false, false);
    }
}

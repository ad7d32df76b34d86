package dev.netpaths.caller;

/** A request the API cannot act on as given: answered with 400. */
public class BadInputException extends RuntimeException {
    public BadInputException(String reason) {
        super(reason, null, false, false);
    }
}

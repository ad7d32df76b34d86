package dev.netpaths.sidecar;

/** Every error this service sends: {@code error} is the HTTP reason phrase, {@code reason} says what happened. */
public record ErrorReply(String error, String reason) {
}

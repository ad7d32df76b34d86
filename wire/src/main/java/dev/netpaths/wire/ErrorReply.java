package dev.netpaths.wire;

/** Every 4xx/5xx JSON a netpaths service sends: {@code error} is the HTTP reason phrase, {@code reason} says why. */
public record ErrorReply(String error, String reason) {}

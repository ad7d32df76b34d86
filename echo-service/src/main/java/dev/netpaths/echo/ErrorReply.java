package dev.netpaths.echo;

/** Every 4xx this service sends: {@code error} is the HTTP reason phrase, {@code reason} says what to fix. */
public record ErrorReply(String error, String reason) {
}

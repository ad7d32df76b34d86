package dev.netpaths.caller;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** A request header to send; names and values are checked so nothing can be smuggled into the request. */
record Header(String name, String value) {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Framing is the prober's job: each attempt is one request on its own connection. */
    private static final Set<String> RESERVED = Set.of("connection", "content-length", "transfer-encoding");

    Header {
        if (name == null || !TOKEN.matcher(name).matches()) {
            throw new BadInputException("invalid header name: " + name);
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new BadInputException("header " + name + " is set by the caller itself");
        }
        if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new BadInputException("invalid value for header " + name);
        }
        value = value.trim();
    }

    /** {@code Name:Value}, as in the {@code header} query parameter. */
    static Header parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new BadInputException("header must be Name:Value, got: " + text);
        }
        return new Header(text.substring(0, colon).trim(), text.substring(colon + 1));
    }

    boolean named(String other) {
        return name.equalsIgnoreCase(other);
    }
}

package dev.netpaths.conformance.probe;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Why an attempt failed: the same kinds caller-service reports, so in-cluster and external results compare. */
public enum ErrorKind {
    /** DNS_FAILURE: DNS answered that the name has no address (NXDOMAIN or no records for every candidate). */
    DNS_FAILURE,
    /** DNS gave no definite answer: no reply within the budget, a server failure, or no usable nameserver. */
    DNS_TIMEOUT,
    REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE, HTTP_STATUS, TLS, PROTOCOL, OTHER;

    /** The kinds that mean nothing answered at all (an HTTP error status is an answer). */
    public static final Set<ErrorKind> NO_ANSWER =
            EnumSet.of(REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE);

    /** Classifies an I/O failure; {@code connected} tells a read timeout from a connect timeout. */
    public static ErrorKind of(IOException e, boolean connected) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof UnknownHostException) {
            return DNS_FAILURE;
        }
        if (e instanceof SocketTimeoutException) {
            return connected ? READ_TIMEOUT : CONNECT_TIMEOUT;
        }
        if (e instanceof PortUnreachableException) {
            return REFUSED; // UDP: ICMP port unreachable is the refusal
        }
        if (e instanceof NoRouteToHostException || message.contains("unreachable")) {
            return UNREACHABLE;
        }
        if (e instanceof ConnectException) {
            return message.contains("timed out") ? CONNECT_TIMEOUT : REFUSED;
        }
        if (message.contains("reset") || message.contains("broken pipe")) {
            return RESET;
        }
        if (e instanceof EOFException) {
            return PROTOCOL;
        }
        return OTHER;
    }
}

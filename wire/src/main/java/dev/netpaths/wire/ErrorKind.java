package dev.netpaths.wire;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Why an attempt failed: the closed list caller-service reports in {@code /call} and {@code /resolve} and the
 * harness reports for its own probes, with the one classifier both use ({@link #classify}).
 */
public enum ErrorKind {
    /** DNS answered that the name has no address (NXDOMAIN, or no records for every candidate). */
    DNS_FAILURE,
    /** DNS gave no definite answer: no reply within the budget, a server failure, or no usable nameserver. */
    DNS_TIMEOUT,
    REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE, HTTP_STATUS, TLS, PROTOCOL,
    /** Anything else; also what a reader makes of a kind it does not know (a newer sender's). */
    @JsonEnumDefaultValue
    OTHER;

    /** The kinds that mean nothing answered at all (an HTTP error status is an answer). */
    public static final Set<ErrorKind> NO_ANSWER =
            EnumSet.of(REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE);

    /** Where an attempt was when it failed: the same timeout means something else while connecting. */
    public enum Phase { CONNECT, TLS, EXCHANGE }

    /**
     * Classifies a socket failure. Message checks are for conditions the JDK reports only as text (a
     * {@link ConnectException} says "Connection refused" or "Connection timed out"; a reset is a plain
     * {@link java.net.SocketException}).
     */
    public static ErrorKind classify(Phase phase, IOException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof UnknownHostException) {
            return DNS_FAILURE; // the JDK's resolver said the name has no address
        }
        if (e instanceof SocketTimeoutException) {
            return phase == Phase.CONNECT ? CONNECT_TIMEOUT : READ_TIMEOUT;
        }
        if (e instanceof PortUnreachableException || text.contains("connection refused")) {
            return REFUSED; // UDP: an ICMP port unreachable is the refusal
        }
        if (e instanceof NoRouteToHostException || text.contains("unreachable")) {
            return UNREACHABLE;
        }
        if (e instanceof ConnectException && text.contains("timed out")) {
            return CONNECT_TIMEOUT;
        }
        if (text.contains("connection reset") || text.contains("broken pipe")) {
            return RESET;
        }
        if (e instanceof SSLException || phase == Phase.TLS) {
            return TLS;
        }
        if (e instanceof ProtocolException || e instanceof EOFException) {
            return PROTOCOL;
        }
        return OTHER;
    }
}

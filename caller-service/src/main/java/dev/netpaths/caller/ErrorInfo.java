package dev.netpaths.caller;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;

/** The {@code error} of an attempt or a resolution. */
public record ErrorInfo(ErrorKind kind, String message) {

    /** Where an attempt was when it failed: the same timeout means something else while connecting. */
    enum Phase { CONNECT, TLS, EXCHANGE }

    static ErrorInfo of(ErrorKind kind, String message) {
        return new ErrorInfo(kind, message);
    }

    /** Classifies a socket failure; message checks are for conditions the JDK reports only as text. */
    static ErrorInfo classify(Phase phase, IOException e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = text.toLowerCase();
        ErrorKind kind;
        if (e instanceof SocketTimeoutException) {
            kind = phase == Phase.CONNECT ? ErrorKind.CONNECT_TIMEOUT : ErrorKind.READ_TIMEOUT;
        } else if (e instanceof PortUnreachableException || lower.contains("connection refused")) {
            kind = ErrorKind.REFUSED;
        } else if (e instanceof NoRouteToHostException || lower.contains("unreachable")) {
            kind = ErrorKind.UNREACHABLE;
        } else if (e instanceof ConnectException && lower.contains("timed out")) {
            kind = ErrorKind.CONNECT_TIMEOUT;
        } else if (lower.contains("connection reset") || lower.contains("broken pipe")) {
            kind = ErrorKind.RESET;
        } else if (e instanceof SSLException || phase == Phase.TLS) {
            kind = ErrorKind.TLS;
        } else if (e instanceof ProtocolException || e instanceof EOFException) {
            kind = ErrorKind.PROTOCOL;
        } else {
            kind = ErrorKind.OTHER;
        }
        return new ErrorInfo(kind, text);
    }
}

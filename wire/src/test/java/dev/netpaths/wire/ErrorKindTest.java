package dev.netpaths.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.wire.ErrorKind.Phase;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * Classification of failures the loopback tests (OneShotHttpTest) cannot produce (routing), and of the
 * phase-dependent ones.
 */
class ErrorKindTest {

    private static ErrorKind kind(Phase phase, IOException e) {
        return ErrorKind.classify(phase, e);
    }

    @Test
    void aTimeoutMeansConnectOrReadByPhase() {
        assertEquals(ErrorKind.CONNECT_TIMEOUT, kind(Phase.CONNECT, new SocketTimeoutException("Connect timed out")));
        assertEquals(ErrorKind.READ_TIMEOUT, kind(Phase.TLS, new SocketTimeoutException("Read timed out")));
        assertEquals(ErrorKind.READ_TIMEOUT, kind(Phase.EXCHANGE, new SocketTimeoutException("Read timed out")));
        assertEquals(ErrorKind.CONNECT_TIMEOUT, kind(Phase.CONNECT, new ConnectException("Connection timed out")));
    }

    @Test
    void routingFailuresAreUnreachable() {
        assertEquals(ErrorKind.UNREACHABLE, kind(Phase.CONNECT, new NoRouteToHostException("No route to host")));
        assertEquals(ErrorKind.UNREACHABLE, kind(Phase.CONNECT, new ConnectException("Network is unreachable")));
    }

    @Test
    void resetsRefusalsTlsAndProtocolErrors() {
        assertEquals(ErrorKind.REFUSED, kind(Phase.CONNECT, new ConnectException("Connection refused")));
        assertEquals(ErrorKind.REFUSED, kind(Phase.EXCHANGE, new PortUnreachableException()));
        assertEquals(ErrorKind.RESET, kind(Phase.EXCHANGE, new SocketException("Connection reset")));
        assertEquals(ErrorKind.RESET, kind(Phase.TLS, new SocketException("Connection reset by peer")));
        assertEquals(ErrorKind.RESET, kind(Phase.EXCHANGE, new SocketException("Broken pipe")));
        assertEquals(ErrorKind.TLS, kind(Phase.TLS, new SSLHandshakeException("PKIX path building failed")));
        assertEquals(ErrorKind.TLS, kind(Phase.TLS, new EOFException()));
        assertEquals(ErrorKind.PROTOCOL, kind(Phase.EXCHANGE, new ProtocolException("bad status line")));
        assertEquals(ErrorKind.OTHER, kind(Phase.EXCHANGE, new IOException("something else")));
        assertEquals(ErrorKind.OTHER, kind(Phase.CONNECT, new ConnectException("Permission denied")));
    }

    /** The harness's old classifier called these OTHER and REFUSED: one classifier now, for both sides. */
    @Test
    void anSslFailureIsTlsInAnyPhase() {
        assertEquals(ErrorKind.TLS, kind(Phase.EXCHANGE, new SSLException("Unsupported or unrecognized SSL message")));
    }

    @Test
    void anUnknownHostIsADnsFailureAndAnEarlyCloseAProtocolError() {
        assertEquals(ErrorKind.DNS_FAILURE, kind(Phase.CONNECT, new UnknownHostException("nope.invalid")));
        assertEquals(ErrorKind.PROTOCOL, kind(Phase.EXCHANGE, new EOFException()));
    }

    @Test
    void theErrorInfoKeepsTheMessageOrTheExceptionsName() {
        assertEquals(new ErrorInfo(ErrorKind.RESET, "Connection reset"),
                ErrorInfo.classify(Phase.EXCHANGE, new SocketException("Connection reset")));
        assertEquals(new ErrorInfo(ErrorKind.PROTOCOL, "EOFException"), ErrorInfo.classify(Phase.EXCHANGE,
                new EOFException()));
    }
}

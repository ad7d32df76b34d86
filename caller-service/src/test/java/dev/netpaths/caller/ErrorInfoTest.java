package dev.netpaths.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netpaths.caller.ErrorInfo.Phase;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Classification of failures the loopback tests cannot produce (routing) and of the phase-dependent ones. */
class ErrorInfoTest {

    private static ErrorKind kind(Phase phase, IOException e) {
        return ErrorInfo.classify(phase, e).kind();
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
    }
}

package dev.netpaths.caller;

import dev.netpaths.wire.ErrorInfo;
import dev.netpaths.wire.ErrorKind;
import dev.netpaths.wire.OneShotHttp;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTP/1.1 request on one new connection to an address already checked, through wire's {@link OneShotHttp}
 * (the client the harness uses too): this class adds the caller's default headers and its TLS settings.
 */
@ApplicationScoped
public class HttpProbe {
    private static final String USER_AGENT = "netpaths-caller/0.1.0";

    private final SSLSocketFactory tls;
    private final boolean verifyHostname;

    public HttpProbe(CallerConfig config) {
        this.verifyHostname = !config.insecureTls();
        this.tls = config.insecureTls() ? trustingEveryone() : (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    /** Never throws: a failure is classified into {@link Exchange#error}. */
    Exchange exchange(InetAddress address, Target target, String method, List<Header> headers, String body,
                      int timeoutMs, int maxBytes) {
        OneShotHttp.Result r = OneShotHttp.exchange(new InetSocketAddress(address, target.port()),
                request(target, method, headers, body),
                target.tls() ? new OneShotHttp.Tls(tls, target.host(), verifyHostname) : null,
                Duration.ofMillis(timeoutMs), maxBytes);
        Exchange ex = new Exchange();
        ex.remoteAddress = IpLiteral.socketText(address, target.port());
        if (r.local() != null) {
            ex.localAddress = IpLiteral.socketText(r.local().getAddress(), r.local().getPort());
        }
        ex.connectMs = OneShotHttp.Result.millis(r.connectNanos());
        ex.tlsMs = OneShotHttp.Result.millis(r.tlsNanos());
        ex.firstByteMs = OneShotHttp.Result.millis(r.firstByteNanos());
        ex.latencyMs = OneShotHttp.Result.millis(r.totalNanos());
        ex.status = r.status();
        r.headers().forEach((name, values) -> values.forEach(v -> ex.addHeader(name, v)));
        if (r.error() == null) {
            ex.body = r.body();
            ex.truncated = r.bodyTruncated();
        }
        ex.error = r.error();
        if (ex.error == null && ex.status >= 400) {
            ex.error = ErrorInfo.of(ErrorKind.HTTP_STATUS, "HTTP " + ex.status);
        }
        return ex;
    }

    /** The caller's defaults (Host, User-Agent, Accept) unless the request gives its own, then its headers. */
    static OneShotHttp.Request request(Target target, String method, List<Header> headers, String body) {
        List<Map.Entry<String, String>> head = new ArrayList<>();
        putUnlessGiven(head, headers, "Host", target.hostHeader());
        putUnlessGiven(head, headers, "User-Agent", USER_AGENT);
        putUnlessGiven(head, headers, "Accept", "*/*");
        headers.forEach(h -> head.add(Map.entry(h.name(), h.value())));
        return OneShotHttp.Request.of(method, target.pathAndQuery(), head,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static void putUnlessGiven(List<Map.Entry<String, String>> head, List<Header> headers, String name,
                                       String value) {
        if (headers.stream().noneMatch(h -> h.named(name))) {
            head.add(Map.entry(name, value));
        }
    }

    /** Only when {@code netpaths.caller.insecure-tls=true}: for self-signed test targets, never the default. */
    private static SSLSocketFactory trustingEveryone() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the insecure TLS context", e);
        }
    }
}

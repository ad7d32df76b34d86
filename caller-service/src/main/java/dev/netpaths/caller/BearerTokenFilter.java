package dev.netpaths.caller;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** When {@code netpaths.caller.token} is set, /call and /resolve require {@code Authorization: Bearer <token>}. */
public class BearerTokenFilter {
    private static final String PREFIX = "Bearer ";

    private final Optional<byte[]> token;

    public BearerTokenFilter(CallerConfig config) {
        this.token = config.token().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(PREFIX)) {
            return Optional.of(unauthorized("Authorization: Bearer <token> is required"));
        }
        byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time, so response timing does not reveal how much of the token matched.
        if (!MessageDigest.isEqual(given, token.get())) {
            return Optional.of(unauthorized("the bearer token does not match"));
        }
        return Optional.empty();
    }

    private static Response unauthorized(String reason) {
        return Response.fromResponse(ApiErrors.json(Response.Status.UNAUTHORIZED, "unauthorized", reason))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}

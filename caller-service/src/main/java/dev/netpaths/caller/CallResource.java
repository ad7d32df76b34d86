package dev.netpaths.caller;

import dev.netpaths.wire.CallResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /call}: probe a target N times, each on a new connection, from inside this pod. */
@Path("/call")
@Produces(MediaType.APPLICATION_JSON)
public class CallResource {
    private final Prober prober;
    private final CallerConfig config;

    public CallResource(Prober prober, CallerConfig config) {
        this.prober = prober;
        this.config = config;
    }

    /** The POST body; numbers and booleans as JSON types. */
    public record CallRequest(String url, Integer tries, Integer timeoutMs, String method, Map<String, String> headers,
                              String body, Boolean followRedirects, Integer stopAfterFailures) {
    }

    /** Numbers arrive as text so a non-number is a 400 that names the parameter. */
    @GET
    public CallResult get(@QueryParam("url") String url, @QueryParam("tries") String tries,
                          @QueryParam("timeoutMs") String timeoutMs, @QueryParam("method") String method,
                          @QueryParam("header") List<String> headers, @QueryParam("followRedirects") String followRedirects,
                          @QueryParam("stopAfterFailures") String stopAfterFailures) {
        List<Header> parsed = headers == null ? List.of() : headers.stream().map(Header::parse).toList();
        return prober.call(CallSpec.of(url, CallSpec.number("tries", tries), CallSpec.number("timeoutMs", timeoutMs),
                method, parsed, null, flag("followRedirects", followRedirects),
                CallSpec.number("stopAfterFailures", stopAfterFailures), config));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CallResult post(CallRequest request) {
        if (request == null) {
            throw new BadInputException("a JSON body is required");
        }
        List<Header> headers = request.headers() == null ? List.of()
                : request.headers().entrySet().stream().map(e -> new Header(e.getKey(), e.getValue())).toList();
        return prober.call(CallSpec.of(request.url(), request.tries(), request.timeoutMs(), request.method(), headers,
                request.body(), request.followRedirects(), request.stopAfterFailures(), config));
    }

    private static Boolean flag(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadInputException(name + " must be true or false, got: " + text);
        };
    }
}

package dev.netpaths.caller;

import dev.netpaths.wire.ResolveResult;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.InetAddress;
import java.util.List;

/**
 * {@code /resolve}: what a name resolves to from inside this pod. A name that does not resolve is still a 200,
 * with {@code error.kind} DNS_FAILURE or DNS_TIMEOUT: the answer to the question is "nothing", which is not a client error.
 */
@Path("/resolve")
@Produces(MediaType.APPLICATION_JSON)
public class ResolveResource {
    private final DnsResolver resolver;

    public ResolveResource(DnsResolver resolver) {
        this.resolver = resolver;
    }

    @GET
    public ResolveResult resolve(@QueryParam("name") String name) {
        if (name == null || name.isBlank()) {
            throw new BadInputException("name is required");
        }
        Resolution r = resolver.resolve(name.trim(), resolver.defaultBudgetMs());
        return new ResolveResult(r.name(), r.addresses().stream().map(InetAddress::getHostAddress).toList(),
                r.matchedName(), r.conf().search(), r.conf().ndots(), r.nameservers(), r.source(), r.candidates(),
                r.durationMs(), r.error());
    }
}

package dev.netpaths.sidecar;

import dev.netpaths.wire.ErrorReply;
import dev.netpaths.wire.Roundtrip;
import dev.netpaths.wire.Roundtrip.ContainerView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The app role's API: {@code GET /roundtrip} (wire's {@link Roundtrip}); anything else but Quarkus's /q/* (the
 * sidecar's {@code /enrich} included) is a JSON 404 ({@link NotFoundRoute}). The sidecar role never starts Quarkus: see
 * {@link LoopbackSidecar}.
 */
@Path("/roundtrip")
@Produces(MediaType.APPLICATION_JSON)
public class RoundtripResource {

    private static final Logger LOG = Logger.getLogger(RoundtripResource.class);

    private final SidecarClient sidecar;
    private final ContainerView self = ContainerView.observe();

    RoundtripResource(SidecarClient sidecar) {
        this.sidecar = sidecar;
    }

    @GET
    public Uni<Response> roundtrip() {
        return Uni.createFrom().completionStage(() -> sidecar.roundtrip(self).toCompletionStage())
                .map(roundtrip -> Response.ok(roundtrip).build())
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("Sidecar roundtrip failed: %s", e);
                    return json(Response.Status.BAD_GATEWAY, "sidecar " + sidecar.enrichUrl() + " not reachable: "
                            + e.getMessage());
                });
    }

    /** A path under a resource that matches no method (e.g. {@code /roundtrip/x}): the same JSON 404. */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(NotFoundRoute.NOT_FOUND).build();
    }

    private static Response json(Response.Status status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorReply(status.getReasonPhrase(), reason)).build();
    }
}

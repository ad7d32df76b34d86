package dev.netpaths.caller;

import dev.netpaths.wire.ErrorReply;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal and failure of the API is wire's {@link ErrorReply} ({@code {"error", "reason"}}), never a stack trace. */
public class ApiErrors {

    static Response json(Response.Status status, String error, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorReply(error, reason)).build();
    }

    @ServerExceptionMapper
    public Response badInput(BadInputException e) {
        return json(Response.Status.BAD_REQUEST, "bad_request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenTargetException e) {
        Log.infof("refused: %s", e.getMessage());
        return json(Response.Status.FORBIDDEN, "forbidden_target", e.getMessage());
    }

    /**
     * A JSON body that does not parse or does not fit {@link CallResource.CallRequest}. Named explicitly so it
     * replaces Quarkus' own mapper for mismatched input, which answers in another shape.
     */
    @ServerExceptionMapper({JacksonException.class, MismatchedInputException.class})
    public Response malformedJson(JacksonException e) {
        return json(Response.Status.BAD_REQUEST, "bad_request", "malformed JSON body: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorReply(status.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '_'), e.getMessage()))
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("unexpected failure", e);
        return json(Response.Status.INTERNAL_SERVER_ERROR, "internal_error", "unexpected failure: see the caller's log");
    }
}

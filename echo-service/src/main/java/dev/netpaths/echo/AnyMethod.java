package dev.netpaths.echo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The one HTTP method designator of every echo-service resource method: the echo answers any method, standard
 * or not (a client may send {@code BREW}), while JAX-RS binds each resource method to one method name. A
 * pre-matching filter ({@link Filter}) names every request's method {@value #NAME} before matching, so one
 * resource method per path serves them all; the resource reads the method the client sent from the Vert.x
 * request, which the filter leaves as it arrived. Why not a Vert.x catch-all route or one annotation per
 * method: echo-service/README.md.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@HttpMethod(AnyMethod.NAME)
public @interface AnyMethod {

    /** Not an HTTP method anyone sends on purpose; a client that does is served like any other. */
    String NAME = "NETPATHS-ANY-METHOD";

    /** Quarkus REST's pre-matching request filter: JAX-RS allows the method to change only before matching. */
    final class Filter {

        @ServerRequestFilter(preMatching = true)
        void anyMethod(ContainerRequestContext request) {
            request.setMethod(NAME);
        }
    }
}

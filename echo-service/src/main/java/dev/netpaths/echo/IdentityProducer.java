package dev.netpaths.echo;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.netpaths.wire.Identity;

/**
 * Resolves the {@link Identity} (wire) once at startup; the environment of a running pod does not
 * change.
 */
class IdentityProducer {

    @Produces
    @Singleton
    Identity identity(@ConfigProperty(name = "quarkus.application.name") String applicationName) {
        return Identity.current(applicationName);
    }
}

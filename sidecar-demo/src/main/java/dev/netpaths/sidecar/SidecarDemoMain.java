package dev.netpaths.sidecar;

import dev.netpaths.wire.Roundtrip.ContainerView;
import java.util.Locale;
import java.util.Objects;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One jar, two containers. The role ({@code -Dnetpaths.sidecar.role} or {@code NETPATHS_SIDECAR_ROLE}, default
 * {@code app}) is read before anything starts: {@code app} runs Quarkus, {@code sidecar} runs only the
 * {@link LoopbackSidecar}, so the pod's second JVM stays small.
 */
@QuarkusMain
public final class SidecarDemoMain {

    enum Role {
        APP,
        SIDECAR
    }

    public static void main(String... args) {
        Role role;
        try {
            role = role(System.getProperty("netpaths.sidecar.role"), System.getenv("NETPATHS_SIDECAR_ROLE"));
        } catch (IllegalArgumentException e) {
            exit(e.getMessage());
            return;
        }
        if (role == Role.APP) {
            Quarkus.run(args);
        } else {
            runSidecar();
        }
    }

    static Role role(String property, String env) {
        String value = Objects.requireNonNullElse(property, Objects.requireNonNullElse(env, "app")).strip();
        try {
            return Role.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("NETPATHS_SIDECAR_ROLE must be app or sidecar, not '" + value + "'");
        }
    }

    private static void runSidecar() {
        long start = System.nanoTime();
        LoopbackSidecar sidecar;
        try {
            String listen = Objects.requireNonNullElse(System.getenv(LoopbackSidecar.LISTEN_ENV),
                    LoopbackSidecar.DEFAULT_LISTEN);
            sidecar = LoopbackSidecar.start(LoopbackSidecar.parseListen(listen), ContainerView.observe());
        } catch (IllegalArgumentException e) {
            exit(e.getMessage());
            return;
        } catch (java.io.IOException e) {
            exit("role sidecar cannot listen: " + e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "sidecar-drain"));
        // The same "Listening on:" line as Quarkus prints, for whoever waits for it.
        System.out.printf("sidecar-demo role sidecar started in %d ms. Listening on: http://%s (GET /enrich,"
                + " /q/health/*)%n", (System.nanoTime() - start) / 1_000_000, sidecar.address());
    }

    private static void exit(String reason) {
        System.err.println("sidecar-demo: " + reason);
        System.exit(1);
    }
}

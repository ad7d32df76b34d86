package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageJarsTest {
    @ParameterizedTest
    @CsvSource({
            "netpaths/echo-service:0.1.0, echo-service",
            "netpaths/caller-service, caller-service",
            "docker.io/netpaths/sidecar-demo:0.1.0, sidecar-demo",
            "localhost:5000/netpaths/echo-service:dev, echo-service"})
    void netpathsImagesMapToTheirModule(String image, String module) {
        assertEquals(module, ImageJars.module(image));
        assertEquals(Path.of("/repo", module, "target/quarkus-app/quarkus-run.jar"), ImageJars.jar(Path.of("/repo"), image));
    }

    @Test
    void otherImagesAreRejectedByName() {
        LabException e = assertThrows(LabException.class, () -> ImageJars.module("nginx:1.27"));
        assertTrue(e.getMessage().contains("'nginx:1.27'"), e.getMessage());
    }

    @Test
    void missingJarSaysHowToBuildIt() {
        LabException e = assertThrows(LabException.class, () -> ImageJars.existingJar(Path.of("/nonexistent"), "netpaths/echo-service:0.1.0"));
        assertTrue(e.getMessage().contains("mvn -B -ntp -q -pl echo-service -am package -DskipTests"), e.getMessage());
    }
}

package dev.netpaths.lab.addons;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.netpaths.lab.api.Manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/versions.env owns the versions: the add-on stand-ins name the images of the releases it pins, as the scripts
 * install them, and the pages that show `lab.sh status` show those images.
 */
class AddonImagesTest {
    private static final Path REPO = Path.of(System.getProperty("lab.repo", "..")).toAbsolutePath().normalize();
    /** A status ENTRY POINTS line: {@code  istio-gateway  http://... <- ns/name (nginx, stands in for IMAGE)}. */
    private static final Pattern STATUS_LINE = Pattern.compile("^\\s*([a-z-]+)\\s+http://\\S+\\s+<- \\S+ \\(nginx, stands in for (\\S+)\\)$");

    private static Map<String, String> repoPins() throws IOException {
        return Pins.parse(new BufferedReader(new StringReader(Files.readString(REPO.resolve("scripts/versions.env")))));
    }

    @Test
    void eachStandInNamesTheImageOfTheReleaseVersionsEnvPins() throws IOException {
        Map<String, String> pins = repoPins();
        Map<ClusterAddons.Addon, String> expected = new TreeMap<>(Map.of(
                ClusterAddons.Addon.DNS, pins.get("COREDNS_IMAGE"),
                ClusterAddons.Addon.NGINX_INGRESS, "docker.io/nginx/nginx-ingress:" + pins.get("NGINX_IC_VERSION"),
                ClusterAddons.Addon.INGRESS_NGINX, "registry.k8s.io/ingress-nginx/controller:" + pins.get("INGRESS_NGINX_VERSION").substring("controller-".length()),
                ClusterAddons.Addon.ENVOY_GATEWAY, pins.get("ENVOY_PROXY_IMAGE"),
                ClusterAddons.Addon.ISTIO_GATEWAY, "docker.io/istio/proxyv2:" + pins.get("ISTIO_VERSION")));
        Map<ClusterAddons.Addon, String> actual = new TreeMap<>();
        for (ClusterAddons.Addon a : ClusterAddons.Addon.values()) {
            actual.put(a, a.image());
        }
        assertEquals(expected, actual, "the jar's copy of scripts/versions.env and the images derived from it");
        // the Deployments the lab creates carry them (both ingress controllers)
        for (IngressNginx.Controller controller : IngressNginx.Controller.values()) {
            for (Deployment d : Manifests.ofType(ClusterAddons.addons("10.96.0.10", controller, List.of()), Deployment.class)) {
                ClusterAddons.Addon addon = java.util.Arrays.stream(ClusterAddons.Addon.values())
                        .filter(a -> a.deploymentName().equals(d.getMetadata().getName())).findFirst().orElseThrow();
                assertEquals(expected.get(addon), d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(), addon.name());
            }
        }
    }

    /** docs/lab/README.md and the workshop's orientation page quote `lab.sh status`: its stand-in images are the pinned ones. */
    @Test
    void thePagesQuotingStatusNameTheImagesThePinsGive() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String page : List.of("docs/lab/README.md", "docs/workshop/00-orientation.md")) {
            int lines = 0;
            for (String line : Files.readAllLines(REPO.resolve(page))) {
                Matcher m = STATUS_LINE.matcher(line);
                if (m.matches()) {
                    lines++;
                    String image = ClusterAddons.Addon.valueOf(m.group(1).toUpperCase().replace('-', '_')).image();
                    if (!image.equals(m.group(2))) {
                        problems.add(page + ": " + m.group(1) + " stands in for " + m.group(2) + ", the pins give " + image);
                    }
                }
            }
            assertTrue(lines >= 3, page + ": the ENTRY POINTS lines of `lab.sh status` (found " + lines + ")");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aPinTheFileLacksIsNamedWithWhereToAddIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pins.get(Map.of("A", "1"), "COREDNS_IMAGE"));
        assertEquals("scripts/versions.env (as built into the lab jar) pins no COREDNS_IMAGE: add it there, then rebuild the lab", e.getMessage());
    }

    @Test
    void onlyNameValueLinesArePins() throws IOException {
        assertEquals(Map.of("A", "1", "B_2", "x:y@sha256:0"), Pins.parse(new BufferedReader(new StringReader(
                "# pin A: verified; x\nA=1\n\n# B=3 in a comment\nB_2=x:y@sha256:0\nlower=1\n"))));
    }
}

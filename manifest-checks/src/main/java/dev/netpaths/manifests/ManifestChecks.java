package dev.netpaths.manifests;

import java.util.ArrayList;
import java.util.List;

/** Every check netpaths runs on a set of manifests, in one call (what the tests and the lab use). */
public final class ManifestChecks {

    private ManifestChecks() {
    }

    /** Checks that hold for any set of manifests: models, schemas, Services, routes, NodePorts, pod security. */
    public static List<Check> generic() {
        return List.of(new StrictModelCheck(), StrictModelCheck::unchecked, new SchemaCheck(), new ServiceCheck(),
                new RouteBackendCheck(), new NodePortCheck(), new PodSecurityCheck(), new WorkloadContractCheck());
    }

    /** The checks of docs/architecture.md's entry-point contract (need gateway-config/ in the set). */
    public static List<Check> entryPoints() {
        return List.of(ReferenceGrantCheck.netpaths(), new SplitWeightCheck());
    }

    public static List<String> run(List<Check> checks, List<Manifest> manifests) {
        List<String> findings = new ArrayList<>();
        for (Check check : checks) {
            findings.addAll(check.check(manifests));
        }
        return findings;
    }
}

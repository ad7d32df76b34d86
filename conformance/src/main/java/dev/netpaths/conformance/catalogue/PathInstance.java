package dev.netpaths.conformance.catalogue;

/**
 * One concrete path of a case, resolved against the discovered clusters.
 *
 * @param label  what distinguishes it among the case's paths (e.g. the node)
 * @param from   topology id of the source: {@code host} or {@code node:<name>}
 * @param to     topology id of the target: {@code node:<name>}, {@code entry:<name>}, {@code service:<name>},
 *               {@code dns}, {@code peer}, or {@code skipped:<group>} when the whole case cannot run here
 * @param hint   the likely cause named when it fails
 * @param note   what the result means beyond pass/fail (e.g. "NetworkPolicy not enforced")
 * @param skip   non-null: the true reason this path cannot run here
 */
public record PathInstance(PathCase pathCase, String label, String from, String to, Request request, Expect expect,
                           String hint, String note, String skip) {

    public String displayName() {
        return pathCase.name() + (label.isEmpty() ? "" : " [" + label + "]");
    }

    /** The whole case cannot run here: drawn from the host to its group (e.g. {@code skipped:istio}). */
    static PathInstance skipped(PathCase c, String reason) {
        return new PathInstance(c, "", "host", "skipped:" + c.group(), null, null, null, null, reason);
    }
}

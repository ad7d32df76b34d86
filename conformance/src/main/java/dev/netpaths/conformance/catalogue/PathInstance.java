package dev.netpaths.conformance.catalogue;

/**
 * One concrete path of a case, resolved against the discovered clusters.
 *
 * @param label  what distinguishes it among the case's paths, from stable facts only (node names, Service and
 *               host names; never a random pod name), so {@link #displayName()} is the path's key across runs,
 *               clusters and CNIs
 * @param from   topology id of the source: {@code host} or {@code node:<name>}
 * @param to     topology id of the target: {@code node:<name>}, {@code entry:<name>}, {@code service:<name>},
 *               {@code dns}, {@code peer}, {@code check:<group>} for a discovery check (not drawn), or
 *               {@code skipped:<group>} when the whole case cannot run here
 * @param hint   the likely cause named when it fails
 * @param note   what the result means beyond pass/fail (e.g. "NetworkPolicy not enforced")
 * @param skip   non-null: the true reason this path cannot run here (not installed, not applicable)
 * @param fail   non-null: discovery already shows the path broken (installed but not working): it FAILS with
 *               this reason and likely cause, without a probe
 * @param noEndpoint non-null: discovery shows that the Service the path ends at has no ready endpoint and none is
 *               coming (its workloads want 0 pods), said as a sentence; a converging path whose poll then gets no
 *               answer at all fails without waiting out its window (run/PathRunner)
 */
public record PathInstance(PathCase pathCase, String label, String from, String to, Request request, Expect expect,
                           String hint, String note, String skip, String fail, String noEndpoint) {

    public PathInstance(PathCase pathCase, String label, String from, String to, Request request, Expect expect,
                        String hint, String note, String skip, String fail) {
        this(pathCase, label, from, to, request, expect, hint, note, skip, fail, null);
    }

    public PathInstance(PathCase pathCase, String label, String from, String to, Request request, Expect expect,
                        String hint, String note, String skip) {
        this(pathCase, label, from, to, request, expect, hint, note, skip, null);
    }

    /** The stable key of the path: case name and label. */
    public String displayName() {
        return pathCase.name() + (label.isEmpty() ? "" : " [" + label + "]");
    }

    /** The whole case cannot run here: drawn from the host to its group (e.g. {@code skipped:istio}). */
    static PathInstance skipped(PathCase c, String reason) {
        return new PathInstance(c, "", "host", "skipped:" + c.group(), null, null, null, null, reason);
    }

    /** The whole case is installed but broken: it FAILS with {@code reason} (which names the likely cause). */
    public static PathInstance broken(PathCase c, String label, String reason) {
        return new PathInstance(c, label, "host", "skipped:" + c.group(), null, null, null, null, null, reason);
    }

    /** This path with what its measurement added to its note (the disruption group's counts). */
    public PathInstance withNote(String newNote) {
        return new PathInstance(pathCase, label, from, to, request, expect, hint, newNote, skip, fail, noEndpoint);
    }

    /** This path with discovery's finding that its Service has no ready endpoint and none coming (null: none). */
    public PathInstance withNoEndpoint(String finding) {
        return new PathInstance(pathCase, label, from, to, request, expect, hint, note, skip, fail, finding);
    }

    /** This path, turned into a failure (a required group that could not run). */
    public PathInstance failing(String reason) {
        return new PathInstance(pathCase, label, from, to, request, expect, hint, note, null, reason, noEndpoint);
    }
}

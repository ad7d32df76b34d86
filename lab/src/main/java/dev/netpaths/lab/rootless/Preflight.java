package dev.netpaths.lab.rootless;

import dev.netpaths.lab.proc.Sh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Can this caller run the lab in user namespaces of its own? Each failed check names itself and the exact fix;
 * the alternative is always root ({@code sudo make lab}).
 */
public final class Preflight {
    static final String ROOT_FIX = "or run the lab as root: sudo make lab (or sudo scripts/lab/lab.sh up|run|down|status)";

    /**
     * What the checks look at.
     *
     * @param missingTools         the util-linux tools the lab needs that are not on PATH
     * @param unprivilegedClone    {@code kernel.unprivileged_userns_clone} (Debian's switch), empty when the kernel has none
     * @param maxUserNamespaces    {@code user.max_user_namespaces}, empty when absent
     * @param apparmorRestrict     {@code kernel.apparmor_restrict_unprivileged_userns} (Ubuntu 23.10+), empty when absent
     * @param trial                the result of {@code unshare --user --map-root-user --net --mount true}
     */
    public record Facts(List<String> missingTools, Optional<Integer> unprivilegedClone, Optional<Integer> maxUserNamespaces,
                        Optional<Integer> apparmorRestrict, Sh.Result trial) {
    }

    private Preflight() {
    }

    /** The failed checks, each with its fix; empty when a rootless lab can run. */
    public static List<String> problems(Facts f) {
        List<String> out = new ArrayList<>();
        if (!f.missingTools().isEmpty()) {
            out.add("missing " + String.join(", ", f.missingTools()) + ": sudo apt-get install -y util-linux");
        }
        if (f.unprivilegedClone().orElse(1) == 0) {
            out.add("kernel.unprivileged_userns_clone = 0 (unprivileged user namespaces are off): sudo sysctl -w kernel.unprivileged_userns_clone=1");
        }
        if (f.maxUserNamespaces().orElse(1) <= 0) {
            out.add("user.max_user_namespaces = " + f.maxUserNamespaces().get() + " (no user namespaces allowed): sudo sysctl -w user.max_user_namespaces=15000");
        }
        if (f.apparmorRestrict().orElse(0) == 1) {
            out.add("kernel.apparmor_restrict_unprivileged_userns = 1 (AppArmor denies unprivileged user namespaces): "
                    + "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
        }
        if (out.isEmpty() && !f.trial().ok()) {
            out.add("`unshare --user --map-root-user --net --mount true` failed (exit " + f.trial().exit() + "): "
                    + (f.trial().err().isBlank() ? f.trial().out() : f.trial().err()).strip()
                    + " (a container or seccomp profile may forbid user namespaces here)");
        }
        return out;
    }

    /** The message for a caller whose rootless lab cannot run. */
    public static String explain(List<String> problems) {
        StringBuilder b = new StringBuilder("a rootless lab cannot run here: unprivileged user namespaces do not work:");
        problems.forEach(p -> b.append("\n  - ").append(p));
        return b.append("\n  ").append(ROOT_FIX).toString();
    }

    /** Reads the facts of this machine (the trial creates and drops one user namespace). */
    public static Facts gather() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("unshare", "nsenter", "setsid", "mount")) {
            if (!Sh.tryRun(Duration.ofSeconds(5), "sh", "-c", "command -v " + tool).ok()) {
                missing.add(tool);
            }
        }
        Sh.Result trial = missing.contains("unshare") ? new Sh.Result(127, "", "unshare not found")
                : Sh.tryRun(Duration.ofSeconds(10), "unshare", "--user", "--map-root-user", "--net", "--mount", "true");
        return new Facts(missing, sysctl("kernel/unprivileged_userns_clone"), sysctl("user/max_user_namespaces"),
                sysctl("kernel/apparmor_restrict_unprivileged_userns"), trial);
    }

    private static Optional<Integer> sysctl(String key) {
        try {
            return Optional.of(Integer.parseInt(Files.readString(Path.of("/proc/sys", key)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}

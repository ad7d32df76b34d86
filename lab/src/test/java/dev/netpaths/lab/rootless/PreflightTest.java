package dev.netpaths.lab.rootless;

import dev.netpaths.lab.proc.Sh;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreflightTest {
    private static final Sh.Result TRIAL_OK = new Sh.Result(0, "", "");

    private static Preflight.Facts facts(List<String> missing, Integer clone, Integer max, Integer apparmor, Sh.Result trial) {
        return new Preflight.Facts(missing, Optional.ofNullable(clone), Optional.ofNullable(max), Optional.ofNullable(apparmor), trial);
    }

    @Test
    void thisKindOfMachinePasses() {
        // Debian 12, kernel 6.x: no Debian switch set to 0, 96365 user namespaces, no AppArmor restriction
        assertEquals(List.of(), Preflight.problems(facts(List.of(), 1, 96365, null, TRIAL_OK)));
        assertEquals(List.of(), Preflight.problems(facts(List.of(), null, null, null, TRIAL_OK)));
    }

    @Test
    void eachFailedCheckNamesItselfAndItsExactFix() {
        List<String> p = Preflight.problems(facts(List.of("nsenter"), 0, 0, 1, new Sh.Result(1, "", "unshare: Operation not permitted")));
        assertEquals(4, p.size(), p.toString());
        assertEquals("missing nsenter: sudo apt-get install -y util-linux", p.get(0));
        assertTrue(p.get(1).endsWith("sudo sysctl -w kernel.unprivileged_userns_clone=1"), p.get(1));
        assertTrue(p.get(2).startsWith("user.max_user_namespaces = 0") && p.get(2).endsWith("sudo sysctl -w user.max_user_namespaces=15000"), p.get(2));
        assertTrue(p.get(3).endsWith("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"), p.get(3));
    }

    @Test
    void aFailedTrialIsReportedWithWhatUnsharePrintedWhenNoSettingExplainsIt() {
        List<String> p = Preflight.problems(facts(List.of(), null, 100, null, new Sh.Result(1, "", "unshare: unshare failed: Operation not permitted\n")));
        assertEquals(1, p.size());
        assertTrue(p.get(0).contains("unshare: unshare failed: Operation not permitted"), p.get(0));
    }

    @Test
    void explanationOffersRootAsTheAlternative() {
        String msg = Preflight.explain(List.of("user.max_user_namespaces = 0 (...): sudo sysctl -w user.max_user_namespaces=15000"));
        assertTrue(msg.startsWith("a rootless lab cannot run here"), msg);
        assertTrue(msg.contains("\n  - user.max_user_namespaces = 0"), msg);
        assertTrue(msg.endsWith("sudo make lab (or sudo scripts/lab/lab.sh up|run|down|status)"), msg);
    }
}

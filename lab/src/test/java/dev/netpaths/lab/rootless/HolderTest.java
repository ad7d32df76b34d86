package dev.netpaths.lab.rootless;

import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.state.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real holder: a process joining it gets namespaces where the lab's namespace plumbing works (ip netns add,
 * a pod's resolv.conf through ip netns exec), with a network namespace that is not the caller's. Needs user
 * namespaces (root has them; so does an unprivileged user where the sysctls allow).
 */
class HolderTest {
    @TempDir
    Path dir;

    private final List<Entry.Holder> started = new ArrayList<>();

    @BeforeEach
    void needsUserNamespaces() {
        Assumptions.assumeTrue(Preflight.problems(Preflight.gather()).isEmpty(), "user namespaces are not available here");
    }

    @AfterEach
    void stopHolders() {
        started.forEach(Holder::stop);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void joinedNamespacesRunIpNetnsWithAPrivateResolvConf(boolean etcFarm) throws Exception {
        Entry.Holder h = Holder.start(dir.resolve("holder.log"), etcFarm);
        started.add(h);
        assertTrue(Holder.alive(h));
        assertFalse(h.userNs().equals(UserNamespaces.self().orElseThrow()));

        String script = "ip netns add hx && mkdir -p /etc/netns/hx && echo 'nameserver 10.96.0.10' > /etc/netns/hx/resolv.conf"
                + " && ip netns exec hx cat /etc/resolv.conf && ip netns list && readlink /proc/self/ns/net";
        Sh.Result r = Sh.tryRun(Duration.ofSeconds(20), Holder.enter(h, dir, List.of("sh", "-c", script)).toArray(String[]::new));

        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("nameserver 10.96.0.10", lines.get(0), "the pod sees the resolv.conf the lab wrote");
        assertEquals("hx", lines.get(1).split(" ")[0], "the only namespace is the one made inside");
        assertFalse(lines.get(2).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString()),
                "joined processes are not in the caller's network namespace");
        assertFalse(Files.exists(Path.of("/run/netns/hx")), "the namespace lives in the holder's private /run only");
    }

    @Test
    void stoppedHolderIsGoneAndStopIsIdempotent() {
        Entry.Holder h = Holder.start(dir.resolve("holder.log"));
        Holder.stop(h);
        assertFalse(Holder.alive(h));
        Holder.stop(h);
    }
}

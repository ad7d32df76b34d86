package dev.netpaths.lab.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void entriesReadBackAsWritten() {
        Journal j = new Journal(dir);
        j.netns("np-net");
        j.process(4242, 987654, "netpaths/echo-abc app");
        j.cni("np-netpaths-worker", "np-c1-netpaths-echo-abc", "np-c1-netpaths-echo-abc", Path.of("/run/x/cni/a.json"), "bridge");
        j.path(Path.of("/run/x/some dir"));

        assertEquals(List.of(
                new Entry.Netns("np-net"),
                new Entry.Proc(4242, 987654, "netpaths/echo-abc app"),
                new Entry.Cni("np-netpaths-worker", "np-c1-netpaths-echo-abc", "np-c1-netpaths-echo-abc", "/run/x/cni/a.json", "bridge"),
                new Entry.PathEntry("/run/x/some dir")), j.read());
    }

    @Test
    void aProcessesNetnsIsReadBackAndTellsTwoClustersSameNamedPodsApart() {
        Journal j = new Journal(dir);
        j.process(4242, 987654, "lv-c1-kube-system-coredns-x", "kube-system/coredns-x dnsmasq");
        j.process(4243, 987655, "lv-c2-kube-system-coredns-x", "kube-system/coredns-x dnsmasq");
        List<Entry> read = j.read();
        assertEquals(List.of(new Entry.Proc(4242, 987654, "lv-c1-kube-system-coredns-x", "kube-system/coredns-x dnsmasq"),
                new Entry.Proc(4243, 987655, "lv-c2-kube-system-coredns-x", "kube-system/coredns-x dnsmasq")), read);
        Entry.Proc first = (Entry.Proc) read.get(0);
        assertTrue(first.ofPod("kube-system/coredns-x", "lv-c1-kube-system-coredns-x"));
        assertFalse(first.ofPod("kube-system/coredns-x", "lv-c2-kube-system-coredns-x"));
        assertFalse(first.ofPod("kube-system/coredns", "lv-c1-kube-system-coredns-x"), "a pod whose name starts another's");
        assertEquals("dnsmasq", first.container("kube-system/coredns-x"));
    }

    @Test
    void rootlessHolderIsReadBackAndIsNotALabByItself() {
        Journal j = new Journal(dir);
        j.append(new Entry.Holder(777, 123456, "user:[4026532999]"));
        assertEquals(java.util.Optional.of(new Entry.Holder(777, 123456, "user:[4026532999]")), j.holder());
        assertFalse(j.recordsLab(), "a journal with only the holder is the start of a rootless up, not a lab to remove");

        j.netns("rl-net");
        assertTrue(j.recordsLab());
    }

    @Test
    void rootlessHolderIsEndedWithTheLabsProcesses() {
        Teardown.Plan plan = Teardown.plan(List.of(new Entry.Holder(777, 1, "user:[1]"), new Entry.Proc(800, 2, "app")));
        assertEquals(List.of(new Entry.Proc(800, 2, "app"), new Entry.Proc(777, 1, "rootless namespace holder")), plan.processes());
    }

    @Test
    void tornLastLineAfterKillIsSkipped() throws Exception {
        Journal j = new Journal(dir);
        j.netns("np-host");
        Files.writeString(j.file(), "proc 12", StandardOpenOption.APPEND);
        assertEquals(List.of(new Entry.Netns("np-host")), j.read());
    }

    @Test
    void noJournalMeansNothingToDo() {
        Journal j = new Journal(dir.resolve("absent"));
        assertFalse(j.exists());
        assertTrue(Teardown.plan(j.read()).isEmpty());
    }

    @Test
    void teardownEndsNewestProcessesFirstThenDeletesPodsBeforeNodesBeforeTheNetwork() {
        Teardown.Plan plan = Teardown.plan(List.of(
                new Entry.Netns("np-net"),
                new Entry.Netns("np-host"),
                new Entry.Netns("np-netpaths-worker"),
                new Entry.Proc(10, 1, "bird netpaths-worker"),
                new Entry.Netns("np-c1-netpaths-echo-a"),
                new Entry.Cni("np-netpaths-worker", "np-c1-netpaths-echo-a", "id", "/c.json", "bridge"),
                new Entry.Proc(11, 2, "netpaths/echo-a app"),
                new Entry.Netns("np-net")));

        assertEquals(List.of(11L, 10L), plan.processes().stream().map(Entry.Proc::pid).toList());
        assertEquals(List.of("np-c1-netpaths-echo-a", "np-netpaths-worker", "np-host", "np-net"), plan.namespaces());
        assertEquals(1, plan.cniDels().size());
    }

    @Test
    void runningAnEmptyPlanRemovesTheStateDir() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("netpaths/logs"));
        Files.writeString(state.resolve("netpaths/logs/a.log"), "x");
        new Teardown(state, m -> { }).run(Teardown.plan(List.of()));
        assertFalse(Files.exists(state));
    }
}

package dev.netpaths.lab.state;

import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.proc.Sleep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Removes a lab from its journal alone: processes, CNI attachments, namespaces, files, then the state dir. The
 * SIGTERM grace is short on purpose: the whole cluster goes (like {@code kind delete}), nobody waits for a
 * graceful drain, and echo-service would otherwise sit out its 5 s shutdown delay.
 */
public final class Teardown {
    /** What the journal says must go, in the order it must go. */
    public record Plan(List<Entry.Proc> processes, List<Entry.Cni> cniDels, List<String> namespaces, List<String> paths) {
        public boolean isEmpty() {
            return processes.isEmpty() && cniDels.isEmpty() && namespaces.isEmpty() && paths.isEmpty();
        }
    }

    private static final Duration TERM_GRACE = Duration.ofSeconds(2);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final Path stateDir;
    private final Consumer<String> log;

    public Teardown(Path stateDir, Consumer<String> log) {
        this.stateDir = stateDir;
        this.log = log;
    }

    /**
     * Processes first (newest first, so a pod's containers go before the pod infrastructure they use), then CNI DEL
     * (the plugins release their IPAM), then namespaces (pods before nodes before the node network: deleting a
     * namespace removes its veths, VXLAN devices, routes and rules), then files.
     */
    public static Plan plan(List<Entry> journal) {
        List<Entry.Proc> procs = new ArrayList<>();
        List<Entry.Cni> cni = new ArrayList<>();
        Set<String> netns = new LinkedHashSet<>();
        Set<String> paths = new LinkedHashSet<>();
        for (Entry e : journal) {
            if (e instanceof Entry.Proc p) {
                procs.add(0, p);
            } else if (e instanceof Entry.Holder h) {
                // inside a rootless lab the holder may go with the rest: the CLI running this teardown keeps
                // the namespaces open until it is done
                procs.add(0, h.asProc());
            } else if (e instanceof Entry.Cni c) {
                cni.add(0, c);
            } else if (e instanceof Entry.Netns n) {
                netns.add(n.name());
            } else if (e instanceof Entry.PathEntry p) {
                paths.add(p.path());
            }
        }
        List<String> ns = new ArrayList<>(netns);
        Collections.reverse(ns);
        List<String> ps = new ArrayList<>(paths);
        Collections.reverse(ps);
        return new Plan(procs, cni, ns, ps);
    }

    /** Runs the plan; every step is bounded and best effort, so a half-built lab is removed as far as it exists. */
    public void run(Plan plan) {
        stopProcesses(plan.processes());
        Set<String> existing = Set.copyOf(Sh.run("ip", "netns", "list").lines()
                .map(l -> l.split(" ")[0]).toList());
        stopUnjournaled(plan.namespaces().stream().filter(existing::contains).toList());
        plan.cniDels().parallelStream().forEach(this::cniDel);
        plan.namespaces().parallelStream().forEach(ns -> {
            if (existing.contains(ns)) {
                Sh.Result r = Sh.tryRun(Duration.ofSeconds(10), "ip", "netns", "delete", ns);
                if (!r.ok()) {
                    log.accept("could not delete netns " + ns + ": " + r.err().strip());
                }
            }
            deleteRecursively(Path.of("/etc/netns", ns));
        });
        plan.paths().forEach(p -> deleteRecursively(Path.of(p)));
        deleteRecursively(stateDir);
    }

    /**
     * Teardown from outside a rootless lab whose namespace holder is gone (killed, or the machine rebooted): its
     * namespaces cannot be entered any more, and need not be: they live only as long as a process is in them,
     * and the lab's processes are all known. So: end the journaled processes, then any process left in the lab's
     * user namespace (children the journal does not name, e.g. nginx workers whose master got SIGKILL); the kernel
     * frees the namespaces with the last of them. No namespace is listed or deleted and nothing outside the state
     * dir is touched (paths outside it would be the caller's real ones, not the lab's private mounts).
     *
     * @return the PIDs still in the lab's user namespace afterwards (empty when everything is gone)
     */
    public List<Long> runOutside(Plan plan, java.util.Optional<Entry.Holder> holder) {
        stopProcesses(plan.processes());
        List<Long> left = holder.map(h -> UserNsSweep.sweep(h, log)).orElse(List.of());
        plan.paths().stream().map(Path::of).filter(p -> p.normalize().startsWith(stateDir)).forEach(Teardown::deleteRecursively);
        deleteRecursively(stateDir);
        return left;
    }

    /**
     * Processes left in the lab's own namespaces that the journal does not name, such as an nginx worker whose master
     * got SIGKILL: `ip netns delete` removes only a namespace's name, so such a process would outlive down and keep
     * its namespace alive. They are ended as the journaled ones are.
     */
    private void stopUnjournaled(List<String> namespaces) {
        // never this process or what started it (a rootless lab's CLI may itself sit in one of the lab's namespaces)
        Set<Long> ours = new java.util.HashSet<>();
        for (java.util.Optional<ProcessHandle> h = java.util.Optional.of(ProcessHandle.current()); h.isPresent(); h = h.get().parent()) {
            ours.add(h.get().pid());
        }
        List<Entry.Proc> found = new ArrayList<>();
        for (String ns : namespaces) {
            for (long pid : Procs.inNamespace(ns)) {
                if (!ours.contains(pid)) {
                    Procs.startTime(pid).ifPresent(start -> found.add(new Entry.Proc(pid, start, "a process in " + ns + " the journal does not name")));
                }
            }
        }
        if (!found.isEmpty()) {
            log.accept("ending " + found.size() + " process(es) the journal does not name, left in the lab's namespaces: "
                    + found.stream().map(f -> Long.toString(f.pid())).collect(java.util.stream.Collectors.joining(" ")));
            stopProcesses(found);
        }
    }

    private void stopProcesses(List<Entry.Proc> procs) {
        List<Entry.Proc> live = procs.stream().filter(p -> Procs.alive(p.pid(), p.startTime())).toList();
        live.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));
        List<Entry.Proc> left = waitGone(live, TERM_GRACE);
        if (!left.isEmpty()) {
            log.accept("SIGKILL to " + left.size() + " of " + live.size() + " processes still running " + TERM_GRACE.toSeconds() + " s after SIGTERM");
            left.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
        }
        waitGone(left, KILL_GRACE).forEach(p -> log.accept("process " + p.pid() + " (" + p.what() + ") survived SIGKILL"));
    }

    private static List<Entry.Proc> waitGone(List<Entry.Proc> procs, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<Entry.Proc> left = procs;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Sleep.ms(50);
            left = left.stream().filter(p -> Procs.alive(p.pid(), p.startTime())).toList();
        }
        return left;
    }

    private void cniDel(Entry.Cni c) {
        Path conf = Path.of(c.conf());
        if (!Files.exists(conf) || !Files.exists(Path.of("/var/run/netns", c.nodeNs()))) {
            return;
        }
        try {
            Sh.Result r = Sh.exec(Files.readString(conf), List.of(), Duration.ofSeconds(5),
                    Sh.inNs(c.nodeNs(), "env", "CNI_COMMAND=DEL", "CNI_CONTAINERID=" + c.containerId(),
                            "CNI_NETNS=/var/run/netns/" + c.podNs(), "CNI_IFNAME=eth0", "CNI_PATH=/usr/lib/cni",
                            "/usr/lib/cni/" + c.plugin()));
            if (!r.ok()) {
                log.accept("CNI DEL " + c.plugin() + " for " + c.podNs() + " failed (namespace removal cleans up): " + r.out().strip() + r.err().strip());
            }
        } catch (IOException e) {
            log.accept("CNI DEL for " + c.podNs() + " skipped: " + e.getMessage());
        }
    }

    public static void deleteRecursively(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // what could not be listed stays; down reports nothing left only from the namespace list
        }
    }

}

package dev.netpaths.lab.pod;

import dev.netpaths.lab.LabException;
import dev.netpaths.lab.addons.ClusterDns;
import dev.netpaths.lab.proc.Launcher;
import dev.netpaths.lab.proc.Launcher.Started;
import dev.netpaths.lab.proc.Procs;
import dev.netpaths.lab.proc.Sh;
import dev.netpaths.lab.state.StateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The cluster DNS pod's two dnsmasq processes ({@link ClusterDns#reloadable}): brings them to a record set with a
 * file write and a SIGHUP, restarting a process only when its own command line changed (or it is not running). The
 * command lines are kept next to the files, so a later process (each live verb is one) compares with what runs
 * instead of restarting dnsmasq because it does not know.
 */
public final class DnsmasqPod {
    /** The SRV dnsmasq's port on the DNS pod's loopback. */
    public static final int SRV_PORT = 5354;
    static final String MAIN = "dnsmasq";
    static final String SRV = "dnsmasq-srv";

    private DnsmasqPod() {
    }

    /** What {@link #sync} did, for the caller's log and tests. */
    public enum Change { NONE, RELOADED, STARTED }

    /**
     * @param args the full dnsmasq command line with every record ({@link ClusterDns#dnsmasqArgs} after the program
     *             and its process flags)
     * @param dir  this DNS pod's directory for the files (created)
     */
    public static Change sync(RunningPod p, List<String> args, Path dir, Path logs, Launcher launcher) {
        Path hosts = dir.resolve("hosts");
        Path servers = dir.resolve("servers");
        ClusterDns.Reloadable r = ClusterDns.reloadable(args, hosts.toString(), servers.toString(), SRV_PORT);
        write(hosts, r.hosts());
        write(servers, r.servers());
        // what the running main dnsmasq last read: compared with what it should read, also across processes
        Path loaded = dir.resolve("loaded");
        String wanted = r.hosts() + "\n--\n" + r.servers();
        boolean srvStarted = ensure(p, SRV, r.srv(), dir, logs, launcher);
        Change change;
        if (ensure(p, MAIN, r.primary(), dir, logs, launcher)) {
            change = Change.STARTED;
        } else if (srvStarted || !wanted.equals(read(loaded).orElse(null))) {
            // clears the cache (SRV answers cached from the SRV dnsmasq too) and re-reads both files
            Sh.run("kill", "-HUP", Long.toString(p.processes().get(MAIN).pid()));
            change = Change.RELOADED;
        } else {
            change = Change.NONE;
        }
        write(loaded, wanted);
        return change;
    }

    /** Starts {@code name} when it does not run with exactly {@code argv}; true when it (re)started it. */
    private static boolean ensure(RunningPod p, String name, List<String> argv, Path dir, Path logs, Launcher launcher) {
        Path recorded = dir.resolve(name + ".args");
        String text = String.join("\n", argv);
        Started s = p.processes().get(name);
        boolean alive = s != null && Procs.alive(s.pid(), s.startTime());
        if (alive && text.equals(read(recorded).orElse(null))) {
            return false;
        }
        Optional.ofNullable(p.processes().remove(name)).ifPresent(Launcher::stop);
        p.processes().put(name, launcher.start(p.netns(), List.of(), argv, logs.resolve(name + ".log"), p.key() + " " + name));
        write(recorded, text);
        return true;
    }

    /** Writes {@code text} atomically (dnsmasq may re-read the file at any moment); false when it was already so. */
    private static boolean write(Path file, String text) {
        if (read(file).filter(text::equals).isPresent()) {
            return false;
        }
        StateFiles.write(file, text);
        return true;
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

package dev.netpaths.lab.rootless;

import dev.netpaths.lab.LabConfig;
import dev.netpaths.lab.LabException;
import dev.netpaths.lab.LabStatus;
import dev.netpaths.lab.state.Entry;
import dev.netpaths.lab.state.Journal;
import dev.netpaths.lab.state.Teardown;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A lab run without root: the CLI the user started (outside) starts the namespace holder and runs the same
 * command again inside it, where the lab is built exactly as a root lab is. {@code down} enters the holder if it
 * still runs; if it is gone, it ends the lab's processes from outside (see {@link Teardown#runOutside}).
 */
public final class RootlessLab {
    private final Path stateDir;
    private final String prefix;
    private final PrintStream out;

    public RootlessLab(Path stateDir, String prefix, PrintStream out) {
        StateDirs.checkRootless(stateDir);
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.prefix = prefix;
        this.out = out;
    }

    /** This machine or this caller cannot run a rootless lab: nothing was created. */
    public static final class Impossible extends LabException {
        Impossible(String message) {
            super(message);
        }
    }

    /** True for a CLI that runs inside a holder's namespaces (started by {@link #enter}). */
    public static boolean inside() {
        return System.getenv(Holder.INSIDE_ENV) != null;
    }

    /** Fails with every failed check and its fix when a rootless lab cannot run here. */
    public static void requirePossible() {
        List<String> problems = Preflight.problems(Preflight.gather());
        if (!problems.isEmpty()) {
            throw new Impossible(Preflight.explain(problems));
        }
    }

    /** {@code up}: removes a recorded lab, starts a fresh holder, runs argv (the whole command line) inside it. */
    public int up(List<String> argv) {
        requirePossible();
        if (new Journal(stateDir).exists()) {
            out.println("lab: a lab is recorded in " + stateDir + "; removing it first");
            down(List.of("down", "--prefix", LabConfig.read(stateDir).map(LabConfig::prefix).orElse(prefix)));
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(cwd) || !Files.isExecutable(cwd)) {
            throw new LabException("the current directory " + cwd + " is not accessible to this user, and the lab works"
                    + " in it inside its namespaces: cd to a directory you can read (your clone, say) and run it again");
        }
        createPrivateDir(stateDir);
        Entry.Holder h = Holder.start(stateDir.resolve("holder.log"));
        new Journal(stateDir).append(h);
        out.println("lab: rootless: user, mount and network namespaces held by PID " + h.pid() + " (" + h.userNs() + "), state " + stateDir);
        return enter(h, argv);
    }

    /** {@code down}: inside the holder when it runs (down ends it last), else from outside. */
    public int down(List<String> argv) {
        Journal journal = new Journal(stateDir);
        if (!journal.exists()) {
            out.println("lab: nothing recorded in " + stateDir);
            Teardown.deleteRecursively(stateDir);
            return 0;
        }
        Optional<Entry.Holder> h = journal.holder();
        if (h.isPresent() && Holder.alive(h.get())) {
            int rc = enter(h.get(), argv);
            Holder.stop(h.get());
            return rc;
        }
        long t0 = System.nanoTime();
        out.println("lab: the namespace holder " + h.map(x -> x.pid() + " ").orElse("") + "is gone; ending the lab's processes from outside"
                + " (its namespaces, devices and iptables rules go with the last of them)");
        List<Long> left = new Teardown(stateDir, m -> out.println("lab: " + m)).runOutside(Teardown.plan(journal.read()), h);
        out.printf("lab: down in %.1f s%s%n", (System.nanoTime() - t0) / 1e9, left.isEmpty() ? "" : "; processes left: " + left);
        return left.isEmpty() ? 0 : 1;
    }

    /** A verb on a running lab ({@code exec}, {@code rules}, {@code case}, {@code get}, {@code scale}...): argv inside the running lab's namespaces; a lab whose holder is gone is an error. */
    public int enterRunning(List<String> argv) {
        Optional<Entry.Holder> h = new Journal(stateDir).holder();
        if (h.isEmpty()) {
            throw new LabException("no rootless lab is up in " + stateDir + " (start one with `scripts/lab/lab.sh up`)");
        }
        if (!Holder.alive(h.get())) {
            throw new LabException("the rootless lab's namespace holder (PID " + h.get().pid() + ") is gone, so the lab is unreachable:"
                    + " `scripts/lab/lab.sh down` ends what is left, `scripts/lab/lab.sh up` starts a new one");
        }
        return enter(h.get(), argv);
    }

    /** {@code status}: read from the state dir (no namespace needed), plus the holder. */
    public boolean status() {
        boolean ok = LabStatus.print(stateDir, out);
        Optional<Entry.Holder> h = new Journal(stateDir).holder();
        if (ok && h.isPresent()) {
            boolean alive = Holder.alive(h.get());
            out.println("\nROOTLESS\n  namespace holder PID " + h.get().pid() + " (" + h.get().userNs() + "): "
                    + (alive ? "running; enter the lab with: nsenter --preserve-credentials -U -m -n -t " + h.get().pid()
                    : "gone, so the lab is unreachable: `scripts/lab/lab.sh down` ends what is left"));
            return alive;
        }
        return ok;
    }

    /** Runs this CLI again, with the same arguments, inside the holder's namespaces; returns its exit code. */
    int enter(Entry.Holder h, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-jar", selfJar().toString()));
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(Holder.enter(h, Path.of("").toAbsolutePath(), cmd)).inheritIO();
        pb.environment().put(Holder.INSIDE_ENV, Long.toString(h.pid()));
        pb.environment().put("LAB_STATE_DIR", stateDir.toString());
        // a user's PATH often lacks the sbin dirs (iptables-restore, dnsmasq, nginx live there); inside, the user is root
        pb.environment().put("PATH", withSbin(pb.environment().getOrDefault("PATH", "")));
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new LabException("cannot enter the lab's namespaces: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted inside the lab's namespaces", e);
        }
    }

    /** Inside the holder: fails unless this process really shares the holder's user namespace. */
    public static void checkInside() {
        String pid = System.getenv(Holder.INSIDE_ENV);
        Optional<String> holderNs = UserNamespaces.of(Long.parseLong(pid));
        if (holderNs.isEmpty() || !holderNs.equals(UserNamespaces.self())) {
            throw new LabException(Holder.INSIDE_ENV + "=" + pid + " is set, but this process is not in that holder's namespaces");
        }
    }

    static String withSbin(String path) {
        StringBuilder b = new StringBuilder(path);
        List<String> have = List.of(path.split(":"));
        for (String dir : List.of("/usr/local/sbin", "/usr/sbin", "/sbin")) {
            if (!have.contains(dir)) {
                b.append(b.isEmpty() ? "" : ":").append(dir);
            }
        }
        return b.toString();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Path selfJar() {
        try {
            return Path.of(RootlessLab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new LabException("cannot locate the lab jar: " + e.getMessage(), e);
        }
    }

    private static void createPrivateDir(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new LabException("cannot create the state dir " + dir + ": " + e.getMessage()
                    + " (choose a writable one with --state-dir or LAB_STATE_DIR)", e);
        }
    }
}

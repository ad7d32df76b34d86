package dev.netpaths.conformance.discovery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How the harness changes a Deployment (the disruption group): through a CLI that speaks kubectl's words, which is
 * kubectl itself on a real cluster and the lab's own CLI ({@code scripts/lab/lab.sh}, given with {@code --lab-cli}) on
 * the lab. The harness reaches the lab only through this seam and the lab's state files; it shares no code with it.
 *
 * <ul>
 *   <li>{@code set env deployment/NAME --list -n NS}: the variables, one {@code NAME=VALUE} a line;</li>
 *   <li>{@code set env deployment/NAME VAR=VALUE -n NS} (or {@code VAR-}, removed): a new template, rolled;</li>
 *   <li>{@code rollout restart deployment/NAME -n NS}: a new ReplicaSet, rolled.</li>
 * </ul>
 * kubectl returns once the Deployment is changed, so each change is followed by
 * {@code rollout status deployment/NAME --timeout=Ns}; the lab's verbs return once the rollout is done.
 */
public final class Rollout {

    /** A change that could not be made or did not finish: the command and what it said. */
    public static final class RolloutException extends RuntimeException {
        public RolloutException(String message) {
            super(message);
        }
    }

    /** What a command did: its exit status (-1 when it outlived its timeout) and its output (stdout and stderr). */
    public record Result(int exit, String output) {}

    /** Runs one command, bounded in time. */
    @FunctionalInterface
    public interface Runner {
        Result run(List<String> command, Duration timeout);
    }

    private final List<String> base;
    private final boolean waitsItself;
    private final String description;
    private final Duration timeout;
    private final Runner runner;

    Rollout(List<String> base, boolean waitsItself, String description, Duration timeout, Runner runner) {
        this.base = List.copyOf(base);
        this.waitsItself = waitsItself;
        this.description = description;
        this.timeout = timeout;
        this.runner = runner;
    }

    /** kubectl against {@code context} (null: the current one); each change waited for with {@code rollout status}. */
    public static Rollout kubectl(String context, Duration timeout) {
        return kubectl(context, timeout, Rollout::exec);
    }

    public static Rollout kubectl(String context, Duration timeout, Runner runner) {
        List<String> base = new ArrayList<>(List.of("kubectl"));
        if (context != null) {
            base.addAll(List.of("--context", context));
        }
        return new Rollout(base, false, "kubectl" + (context == null ? "" : " --context " + context), timeout, runner);
    }

    /** The lab's CLI, {@code scripts/lab/lab.sh} (it reads LAB_PREFIX and LAB_STATE_DIR); its verbs wait themselves. */
    public static Rollout labCli(Path labSh, Duration timeout) {
        return labCli(labSh, timeout, Rollout::exec);
    }

    public static Rollout labCli(Path labSh, Duration timeout, Runner runner) {
        return new Rollout(List.of(labSh.toString()), true, "the lab's CLI " + labSh.getFileName(), timeout, runner);
    }

    /** Who rolls: {@code kubectl --context C} or the lab's CLI. */
    public String description() {
        return description;
    }

    /** A variable of the Deployment's containers, as {@code set env --list} prints it; empty when it is not set. */
    public Optional<String> env(String namespace, String deployment, String variable) {
        String out = ok(cli(namespace, "set", "env", "deployment/" + deployment, "--list"), "list the variables of");
        for (String line : out.split("\n")) {
            if (line.startsWith(variable + "=")) {
                return Optional.of(line.substring(variable.length() + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** Sets ({@code value} non-null) or removes a variable of the Deployment; returns once the rollout is done. */
    public void setEnv(String namespace, String deployment, String variable, String value) {
        ok(cli(namespace, "set", "env", "deployment/" + deployment, value == null ? variable + "-" : variable + "=" + value),
                "set " + variable + " on");
        awaitRollout(namespace, deployment);
    }

    /**
     * {@code rollout restart}: returns once the new ReplicaSet has replaced the old one, with what the CLI said (the
     * lab's: every step of the rollout with its time, to lay beside the load's failures).
     */
    public String restart(String namespace, String deployment) {
        return ok(cli(namespace, "rollout", "restart", "deployment/" + deployment), "restart")
                + awaitRollout(namespace, deployment);
    }

    private String awaitRollout(String namespace, String deployment) {
        if (waitsItself) {
            return "";
        }
        return ok(cli(namespace, "rollout", "status", "deployment/" + deployment, "--timeout=" + timeout.toSeconds() + "s"),
                "wait for the rollout of");
    }

    private List<String> cli(String namespace, String... args) {
        // the verb first: the lab's CLI takes it before any option (kubectl takes -n anywhere)
        List<String> command = new ArrayList<>(base);
        command.addAll(List.of(args));
        command.addAll(List.of("-n", namespace));
        if (waitsItself) {
            // the lab's verbs wait for the cluster to settle, bounded by their --timeout
            command.addAll(List.of("--timeout", Long.toString(timeout.toSeconds())));
        }
        return command;
    }

    private String ok(List<String> command, String what) {
        // the command's own bound, plus time for it to say so
        Result r = runner.run(command, timeout.plusSeconds(60));
        if (r.exit() != 0) {
            String target = command.stream().filter(a -> a.startsWith("deployment/")).findFirst().orElse("?");
            throw new RolloutException("could not " + what + " " + target + " with " + description + " ("
                    + String.join(" ", command) + (r.exit() < 0 ? ": no end within " + timeout.plusSeconds(60).toSeconds()
                    + " s" : ": exit " + r.exit()) + ")" + (r.output().isBlank() ? "" : ": " + last(r.output())));
        }
        return r.output();
    }

    /** The last lines of an output, enough to say why. */
    static String last(String output) {
        String[] lines = output.strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
    }

    /** The default runner: a process, its output collected, killed when it outlives {@code timeout}. */
    static Result exec(List<String> command, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(127, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread copy = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process is gone: nothing more to read
            }
        }, "rollout-output");
        copy.setDaemon(true);
        copy.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                copy.join(2000);
                return new Result(-1, out.toString(StandardCharsets.UTF_8));
            }
            copy.join(5000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        }
    }
}

package dev.netpaths.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}, path from the failsafe configuration's
 * {@code netpaths.app.jar} system property) running as a real process on a random HTTP port, the way a container
 * runs it.
 */
public final class PackagedApp implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private Thread pump;

    private PackagedApp(Process process) {
        this.process = process;
    }

    /** Starts the jar on a random HTTP port plus {@code env}, and waits until it listens. */
    public static PackagedApp start(Map<String, String> env)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        PackagedApp app = launch(env);
        try {
            app.port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            app.close();
            throw new IllegalStateException("the app did not start:\n" + app.output, e);
        }
        return app;
    }

    /** Starts the jar on a random HTTP port plus {@code env}, without waiting (for an app expected to fail). */
    public static PackagedApp launch(Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("netpaths.app.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the IT after `package`");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()).redirectErrorStream(true);
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().putAll(env);
        PackagedApp app = new PackagedApp(builder.start());
        app.pumpOutput();
        return app;
    }

    /** The HTTP port the app listens on, once it does. */
    public int port() throws InterruptedException, ExecutionException {
        return port.get();
    }

    public URI uri(String path) throws InterruptedException, ExecutionException {
        return URI.create("http://127.0.0.1:" + port.get() + path);
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, as the kubelet sends it. Unlike Process.destroy(), this keeps the output stream open to read. */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit and for its last lines of output to be read. */
    public boolean waitForExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pump.join(Duration.ofSeconds(5).toMillis());
        return exited;
    }

    public String output() {
        return output.toString();
    }

    private void pumpOutput() {
        pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    output.append(line).append('\n');
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        port.complete(Integer.parseInt(listening.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the app exited"));
        }, "app-output");
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}

package io.litevfs.testkit.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A Google Cloud Storage emulator in a child process, for tests: {@code tools/gcs-emulator/gcs-emulator.js} (the
 * firebase-tools storage emulator with generation preconditions, startOffset and strict buckets added) run with
 * Node on a free 127.0.0.1 port. No Google SDK is involved: the server speaks the GCS JSON API, and
 * {@link #createBucket} uses the JDK's HTTP client.
 *
 * <p>As a JUnit 5 extension ({@code @ExtendWith(GcsEmulatorServer.class)}, or registered on a static field), it
 * starts one emulator per JVM on first use, shares it between test classes, injects it into parameters of type
 * {@code GcsEmulatorServer}, and stops it when the JUnit run ends (the root context's store closes it, failed
 * tests included) or, at the latest, in a JVM shutdown hook. The emulator also exits by itself when its standard
 * input closes, so a JVM killed with {@code SIGKILL} does not leave it behind.
 *
 * <p>Where it looks: system property {@code litevfs.gcs.emulator.dir} (default
 * {@code ${litevfs.root}/tools/gcs-emulator}), {@code litevfs.node} (default {@code node}) and
 * {@code litevfs.gcs.emulator.logs}, the directory of the emulator's log file (default {@code java.io.tmpdir}). If the emulator is not
 * installed, starting fails with the command that installs it: tests that need it fail rather than skip.
 */
public final class GcsEmulatorServer implements BeforeAllCallback, ParameterResolver, AutoCloseable {

    private static final Object LOCK = new Object();
    private static @Nullable GcsEmulatorServer shared;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final @Nullable Process process;
    private final int port;
    private final Path log;
    private final HttpClient http;

    /** The extension instance JUnit creates; the running server is {@link #shared()}. */
    public GcsEmulatorServer() {
        this.process = null;
        this.port = 0;
        this.log = Path.of("");
        this.http = HttpClient.newHttpClient();
    }

    private GcsEmulatorServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Returns the emulator of this JVM, starting it on first use.
     *
     * @return the running emulator
     * @throws IllegalStateException if it is not installed or does not start (with the reason and an install hint)
     */
    public static GcsEmulatorServer shared() {
        synchronized (LOCK) {
            if (shared == null || !shared.isAlive()) {
                shared = start();
                GcsEmulatorServer s = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "gcs-emulator-stop"));
            }
            return shared;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        GcsEmulatorServer server = shared();
        // Closed when the whole JUnit run ends, whatever the outcome.
        context.getRoot()
                .getStore(ExtensionContext.Namespace.create(GcsEmulatorServer.class))
                .getOrComputeIfAbsent("server", k -> new Stopper(server), Stopper.class);
    }

    /** Stops the shared server when JUnit closes the root store. */
    private record Stopper(GcsEmulatorServer server) implements AutoCloseable {
        @Override
        public void close() {
            synchronized (LOCK) {
                server.stop();
                if (shared == server) {
                    shared = null;
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == GcsEmulatorServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        beforeAll(extensionContext);
        return shared();
    }

    /** Returns the directory that holds {@code gcs-emulator.js} and its {@code node_modules}. */
    public static Path launcherDirectory() {
        String dir = System.getProperty("litevfs.gcs.emulator.dir");
        if (dir != null) {
            return Path.of(dir);
        }
        String root = System.getProperty("litevfs.root");
        if (root == null) {
            throw new IllegalStateException("neither litevfs.gcs.emulator.dir nor litevfs.root is set: run the tests"
                    + " with Maven, or pass -Dlitevfs.gcs.emulator.dir=<repo>/tools/gcs-emulator");
        }
        return Path.of(root, "tools", "gcs-emulator");
    }

    private static GcsEmulatorServer start() {
        return start(launcherDirectory());
    }

    /**
     * Starts an emulator of one's own (not the shared one); the caller stops it.
     *
     * @param dir the directory holding {@code gcs-emulator.js} and its {@code node_modules}
     * @return the running emulator
     * @throws IllegalStateException if it is not installed or does not start (with an install hint)
     */
    public static GcsEmulatorServer start(Path dir) {
        Path script = dir.resolve("gcs-emulator.js");
        String installHint = "install it with: (cd " + dir + " && npm ci --no-audit --no-fund), or run the build,"
                + " which does (node " + dir.resolve("install.js") + ")";
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("GCS emulator launcher not found: " + script);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/firebase-tools"))) {
            throw new IllegalStateException(
                    "the GCS emulator (npm firebase-tools) is not installed in " + dir + "; " + installHint);
        }
        String node = System.getProperty("litevfs.node", "node");
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                return launch(node, dir, script, port);
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken in between; try another
            }
        }
        throw last;
    }

    private static GcsEmulatorServer launch(String node, Path dir, Path script, int port) {
        Path log;
        try {
            Path logDir =
                    Path.of(System.getProperty("litevfs.gcs.emulator.logs", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(logDir);
            log = Files.createTempFile(logDir, "gcs-emulator-" + port + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(node, script.toString()).directory(dir.toFile());
        pb.environment().put("GCS_HOST", "127.0.0.1");
        pb.environment().put("GCS_PORT", Integer.toString(port));
        pb.environment().put("GCS_PROJECT", "demo-litevfs");
        pb.environment().remove("GCS_AUTO_CREATE_BUCKETS");
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run '" + node + "' to start the GCS emulator (is Node.js installed? set -Dlitevfs.node):"
                            + " " + e.getMessage(),
                    e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        List<String> head = new ArrayList<>();
        Thread pump =
                new Thread(() -> pump(p.getInputStream(), log, ready, failure, head), "gcs-emulator-output-" + port);
        pump.setDaemon(true);
        pump.start();
        try {
            if (!ready.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || failure.get() != null || !p.isAlive()) {
                kill(p);
                String out;
                synchronized (head) {
                    out = String.join(" | ", head);
                }
                throw new IllegalStateException("the GCS emulator did not start on 127.0.0.1:" + port + ": "
                        + (failure.get() != null ? failure.get() : out.isEmpty() ? "no output" : out) + " (log: "
                        + log + ")");
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the GCS emulator", e);
        }
        return new GcsEmulatorServer(p, port, log);
    }

    private static void pump(
            InputStream in, Path log, CountDownLatch ready, AtomicReference<String> failure, List<String> head) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                OutputStream out = Files.newOutputStream(log);
                PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                ps.println(line);
                synchronized (head) {
                    if (head.size() < 20) {
                        head.add(line);
                    }
                }
                if (line.startsWith("gcs-emulator listening on ")) {
                    ready.countDown();
                } else if (line.startsWith("gcs-emulator: cannot start")) {
                    failure.compareAndSet(null, line);
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            ready.countDown();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void kill(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private Process process() {
        if (process == null) {
            throw new IllegalStateException("not a running server: use GcsEmulatorServer.shared()");
        }
        return process;
    }

    /** Returns whether the process is running. */
    public boolean isAlive() {
        return process().isAlive();
    }

    /** Returns the port it listens on (127.0.0.1). */
    public int port() {
        process();
        return port;
    }

    /** Returns {@code 127.0.0.1:PORT}, the form {@code STORAGE_EMULATOR_HOST} takes. */
    public String hostAndPort() {
        return "127.0.0.1:" + port();
    }

    /** Returns {@code http://127.0.0.1:PORT}, the JSON API root. */
    public String endpoint() {
        return "http://" + hostAndPort();
    }

    /** Returns the file the emulator's output goes to. */
    public Path log() {
        return log;
    }

    /**
     * Creates a bucket ({@code POST /storage/v1/b}); buckets exist only once created, as on GCS. Creating an
     * existing bucket does nothing.
     *
     * @param name the bucket name
     */
    public void createBucket(String name) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/storage/v1/b?project=demo-litevfs"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 409) {
                throw new IllegalStateException(
                        "cannot create bucket " + name + ": HTTP " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create bucket " + name + " at " + endpoint(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s). Idempotent. */
    public void stop() {
        if (process != null && process.isAlive()) {
            kill(process);
        }
    }

    @Override
    public void close() {
        stop();
    }
}

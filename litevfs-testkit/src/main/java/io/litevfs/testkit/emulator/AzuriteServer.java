package io.litevfs.testkit.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Azurite's blob service (the Azure Storage emulator, npm package {@code azurite}) as a child process on a free
 * 127.0.0.1 port, in memory.
 *
 * <p>Azurite is installed by the build with {@code npm ci} in {@code tools/azurite} (pinned by its
 * {@code package-lock.json}); the install directory comes from the system property {@value #DIR_PROPERTY}, and
 * {@code node} from {@value #NODE_PROPERTY} or the {@code PATH}. A missing install is an error with the command that
 * fixes it, never a skipped test.
 *
 * <p>The process is started as {@code node -e <guard> .../azurite/dist/src/blob/main.js --blobHost 127.0.0.1
 * --blobPort 0 --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent}: port 0 lets the system
 * choose a free port, which is read from Azurite's "successfully listens on" line. The guard makes Node exit as soon
 * as its standard input closes, which happens when this JVM dies, however it dies, so no emulator outlives its
 * tests. {@link #close()} sends SIGINT (Azurite ignores SIGTERM for seconds while connections are open) and
 * escalates to {@link Process#destroyForcibly()} after {@value #STOP_GRACE_MILLIS} ms; a shutdown hook does the same
 * if {@link #close()} was never called.
 *
 * <p>{@link #shared()} keeps one server per JVM; {@link AzuriteExtension} starts it for JUnit 5 tests and stops it
 * after the last one.
 */
public final class AzuriteServer implements AutoCloseable {

    /** System property: the directory holding {@code node_modules/azurite} (the build sets it). */
    public static final String DIR_PROPERTY = "litevfs.azurite.dir";

    /** System property: the {@code node} executable; default {@code node} from the {@code PATH}. */
    public static final String NODE_PROPERTY = "litevfs.node";

    /** The emulator's well-known account. */
    public static final String ACCOUNT = "devstoreaccount1";

    /** The emulator's well-known account key (public, documented by Microsoft). */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static final String MAIN = "node_modules/azurite/dist/src/blob/main.js";
    static final long STOP_GRACE_MILLIS = 3000;
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final int LOG_LINES = 200;
    private static final Pattern LISTENING = Pattern.compile("successfully listens on https?://[^\\s:]+:(\\d+)");
    private static final String GUARD = "process.stdin.on('data',()=>{});"
            + "process.stdin.on('end',()=>process.exit(0));"
            + "process.stdin.on('error',()=>process.exit(0));"
            + "process.stdin.resume();"
            + "require(process.argv[1]);";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private static @Nullable AzuriteServer shared;

    private final Process process;
    private final Path workDir;
    private final int port;
    private final Deque<String> log;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private AzuriteServer(Process process, Path workDir, int port, Deque<String> log) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "azurite-shutdown");
    }

    /**
     * Returns this JVM's server, starting it on first use (or again if it died).
     *
     * @return the running server
     * @throws IllegalStateException if Azurite is not installed or does not start
     */
    public static synchronized AzuriteServer shared() {
        AzuriteServer s = shared;
        if (s == null || s.closed || !s.process.isAlive()) {
            s = start(installDir());
            shared = s;
        }
        return s;
    }

    /**
     * Returns the install directory from {@value #DIR_PROPERTY}, checked.
     *
     * @return the directory that holds {@code node_modules/azurite}
     * @throws IllegalStateException with an install hint if the property is missing or Azurite is not there
     */
    public static Path installDir() {
        String p = System.getProperty(DIR_PROPERTY);
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property " + DIR_PROPERTY + " is not set: it must name the"
                    + " directory of Azurite's npm install (tools/azurite); run the tests with Maven, which sets it");
        }
        Path dir = Path.of(p).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve(MAIN))) {
            throw new IllegalStateException("Azurite is not installed in " + dir + " (no " + MAIN + "). Install it"
                    + " with: (cd " + dir + " && npm ci --no-audit --no-fund); 'mvn verify' does that itself");
        }
        return dir;
    }

    /**
     * Starts a new server.
     *
     * @param installDir the directory holding {@code node_modules/azurite}
     * @return the running server
     * @throws IllegalStateException if it does not start
     */
    public static AzuriteServer start(Path installDir) {
        Path main = installDir.resolve(MAIN);
        if (!Files.isRegularFile(main)) {
            throw new IllegalStateException("Azurite is not installed in " + installDir + " (no " + MAIN + ")."
                    + " Install it with: (cd " + installDir + " && npm ci --no-audit --no-fund)");
        }
        String node = System.getProperty(NODE_PROPERTY, "node");
        Path workDir;
        try {
            workDir = Files.createTempDirectory("azurite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(
                node,
                "-e",
                GUARD,
                main.toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                "0",
                "--inMemoryPersistence",
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--silent"));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            deleteTree(workDir);
            throw new IllegalStateException(
                    "cannot run '" + node + "' to start Azurite (install Node.js 20+, or set -D" + NODE_PROPERTY
                            + "=/path/to/node): " + e.getMessage(),
                    e);
        }
        Deque<String> log = new ArrayDeque<>();
        CountDownLatch ready = new CountDownLatch(1);
        AtomicInteger port = new AtomicInteger(-1);
        Thread reader =
                new Thread(() -> drain(process, log, port, ready), "azurite-output-" + THREADS.incrementAndGet());
        reader.setDaemon(true);
        reader.start();
        AzuriteServer server = new AzuriteServer(process, workDir, 0, log);
        try {
            boolean started = ready.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!started || port.get() <= 0) {
                String why = process.isAlive()
                        ? "did not start within " + START_TIMEOUT_SECONDS + " s"
                        : "exited with status " + process.exitValue();
                server.stop();
                throw new IllegalStateException(
                        "Azurite " + why + "; its output:\n" + String.join("\n", snapshot(log)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
            throw new IllegalStateException("interrupted while starting Azurite", e);
        }
        AzuriteServer running = new AzuriteServer(process, workDir, port.get(), log);
        Runtime.getRuntime().addShutdownHook(running.shutdownHook);
        return running;
    }

    private static void drain(Process process, Deque<String> log, AtomicInteger port, CountDownLatch ready) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (log) {
                    if (log.size() == LOG_LINES) {
                        log.removeFirst();
                    }
                    log.addLast(line);
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find() && port.get() < 0) {
                    port.set(Integer.parseInt(m.group(1)));
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            ready.countDown();
        }
    }

    private static List<String> snapshot(Deque<String> log) {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    /** Returns the port the blob service listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Returns the blob service endpoint with the account: {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** Returns a connection string for the well-known account on this server. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + blobEndpoint() + ";";
    }

    /** Returns whether the process is running. */
    public boolean isAlive() {
        return !closed && process.isAlive();
    }

    /** Returns the last lines Azurite printed (it runs with {@code --silent}, so mostly start and stop). */
    public List<String> recentOutput() {
        return snapshot(log);
    }

    /** Stops the process: SIGINT, then a forced kill after a grace period. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down (the hook runs or ran), or it was never added
        }
        synchronized (AzuriteServer.class) {
            if (shared == this) {
                shared = null;
            }
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                interrupt(process);
                if (!process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // closing our end of its stdin only helps the guard; nothing to do
            }
            deleteTree(workDir);
        }
    }

    /** Sends SIGINT, which {@link Process} cannot do by itself; falls back to SIGTERM. */
    private static void interrupt(Process process) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (kill.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // no kill(1): fall through
        }
        process.destroy();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "AzuriteServer[" + blobEndpoint() + ", pid " + process.pid() + (isAlive() ? "" : ", stopped") + "]";
    }
}

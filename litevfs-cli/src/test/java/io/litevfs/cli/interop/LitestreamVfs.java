package io.litevfs.cli.interop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Drives the <b>real</b> Litestream VFS extension (npm {@code litestream-vfs-linux-amd64@0.5.17}, a loadable
 * {@code .so}) through the {@code sqlite3} shell (3.40.1), one separate {@code sqlite3} process per call, against a
 * {@code file://} replica directory.
 *
 * <h2>The invocation</h2>
 *
 * <pre>
 *   cd &lt;workDir&gt;/calls/NNNN
 *   env -u AWS_CA_BUNDLE -u LITESTREAM_* \
 *       LITESTREAM_REPLICA_URL=file:///abs/replica LITESTREAM_LOG_FILE=&lt;call dir&gt;/vfs.log TMPDIR=&lt;workDir&gt;/tmp \
 *       [LITESTREAM_WRITE_ENABLED=true LITESTREAM_SYNC_INTERVAL=200ms] \
 *     sqlite3 -init /dev/null -batch -bail -cmd ".load '/abs/litestream-vfs.so'"   &lt; script
 *
 *   script:  .open 'file:litevfs.db?vfs=litestream'
 *            .mode json
 *            SELECT ...;
 *            .print &lt;marker&gt;          (one marker after each statement, to split the output)
 * </pre>
 *
 * What was found out (sqlite3 3.40.1, extension 0.5.17):
 *
 * <ul>
 *   <li>Passing the URI as the database argument, {@code sqlite3 -cmd ".load so" 'file:x.db?vfs=litestream' SQL},
 *       does <b>not</b> work: the shell opens the database named on the command line before it runs the {@code
 *       -cmd} commands, so it fails with {@code no such vfs: litestream}. The extension must be loaded first (into
 *       the shell's default in-memory connection, hence no database argument) and the replica opened afterwards
 *       with {@code .open}. {@code .open} always opens with {@code SQLITE_OPEN_URI}, so {@code file:…?vfs=…} URIs
 *       work there without {@code --uri} or {@code SQLITE_USE_URI}. Loading with {@code .load} in the script
 *       instead of {@code -cmd} works just as well.
 *   <li>The file name in the URI is irrelevant (the replica comes from {@code LITESTREAM_REPLICA_URL}, read once
 *       when the extension is loaded); no local file of that name is created. The process runs in a per-call
 *       directory anyway.
 *   <li>{@code .mode json} prints one JSON array of row objects per statement that returns rows and nothing for a
 *       statement without rows; numbers keep SQLite's type (integers without a point, reals always with a point or
 *       an exponent, printed with 20 significant digits so they parse back to the same double); text is properly
 *       escaped, so a JSON document never contains a raw newline inside a value. Blobs are printed as raw bytes in a
 *       string, i.e. not faithfully: select {@code hex(x)} instead. Column names are object keys and may repeat;
 *       rows are therefore read with a streaming parser in column order. {@code PRAGMA integrity_check} yields one
 *       row per database with the error lines joined by {@code \n} (as in the vectors' manifest).
 *   <li>Reads: the extension logs nothing at INFO level; a read-only open of a replica without any LTX file
 *       <b>blocks</b> forever (re-listing every second), so this class refuses such a call at once.
 *   <li>Writes ({@code LITESTREAM_WRITE_ENABLED=true}): closing the connection uploads the dirty pages as one L0 file
 *       <b>synchronously</b>, so when the process has exited the file is there ({@link #execute} still checks).
 *       Every open leaves a {@code litestream-vfs-*} directory in {@code TMPDIR} (the write buffer), hence {@code
 *       TMPDIR} is pointed at {@code <workDir>/tmp}. An empty transaction uploads nothing.
 *   <li>Cost: about 0.15–0.2 s per process on this machine (loading the 84 MB Go shared object dominates); a {@code
 *       .dump} of the 140 MiB {@code f_sparse_many_pages} vector takes about 2.5 s and 600 MB of memory.
 * </ul>
 *
 * Errors (non-zero exit, time-out, unparsable output) raise {@link LitestreamVfsException} whose message holds the
 * exit code, stderr, the script and the extension's log.
 */
public final class LitestreamVfs {

    /** System property with the path of {@code litestream-vfs.so} (set by the litevfs-cli pom for failsafe). */
    public static final String SO_PROPERTY = "litestream.vfs.so";
    /** System property with the path of the {@code sqlite3} shell (default {@code /usr/bin/sqlite3}). */
    public static final String SQLITE3_PROPERTY = "litestream.sqlite3";

    /** Where npm puts the extension, relative to the repository root. */
    public static final String SO_IN_REPO = "tools/interop/node_modules/litestream-vfs-linux-amd64/litestream-vfs.so";

    public static final String INSTALL_HINT = "Install the real Litestream VFS extension with\n"
            + "    (cd tools/interop && npm ci --no-audit --no-fund)\n"
            + "or run the tests through Maven (mvn -pl litevfs-cli -am verify), whose pre-integration-test phase runs"
            + " that npm ci (execution npm-ci-litestream-vfs in litevfs-cli/pom.xml). The sqlite3 shell comes from"
            + " Debian: apt-get install sqlite3 (3.40.1 on bookworm; the vectors' dump hashes were made with it).";

    private static final String URI = "file:litevfs.db?vfs=litestream";
    private static final Pattern LTX_NAME = Pattern.compile("^[0-9a-f]{16}-[0-9a-f]{16}\\.ltx$");
    private static final Pattern TX_CONTROL =
            Pattern.compile("^\\s*(BEGIN|COMMIT|END|ROLLBACK)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final JsonFactory JSON = new JsonFactory();
    private static final AtomicInteger CALLS = new AtomicInteger();

    private final Path sqlite3;
    private final Path extension;
    private final Path workDir;
    private final Duration timeout;
    private final String syncInterval;

    /**
     * @param sqlite3 the sqlite3 shell
     * @param extension {@code litestream-vfs.so}
     * @param workDir a private directory for this helper's temp files (TMPDIR of the extension), per-call scripts,
     *     outputs and logs; typically a JUnit {@code @TempDir}
     */
    public LitestreamVfs(Path sqlite3, Path extension, Path workDir) {
        this(sqlite3, extension, workDir, Duration.ofSeconds(120), "200ms");
    }

    private LitestreamVfs(Path sqlite3, Path extension, Path workDir, Duration timeout, String syncInterval) {
        this.sqlite3 = sqlite3;
        this.extension = extension.toAbsolutePath();
        this.workDir = workDir.toAbsolutePath();
        this.timeout = timeout;
        this.syncInterval = syncInterval;
        if (this.extension.toString().contains("'")) {
            throw new IllegalArgumentException("extension path must not contain a single quote: " + extension);
        }
    }

    /**
     * The helper configured from the system properties {@value #SO_PROPERTY} and {@value #SQLITE3_PROPERTY} (falling
     * back to {@value #SO_IN_REPO} under {@code litevfs.root} or the current directory's ancestors). Fails — as an
     * {@link AssertionError}, so a test fails rather than being skipped — when the extension or sqlite3 is missing.
     */
    public static LitestreamVfs fromSystemProperties(Path workDir) {
        Path so = locateExtension();
        if (!Files.isRegularFile(so)) {
            throw new AssertionError("The real Litestream VFS extension is missing: " + so + " does not exist (system"
                    + " property " + SO_PROPERTY + "=" + System.getProperty(SO_PROPERTY) + ").\n" + INSTALL_HINT);
        }
        Path sqlite3 = Paths.get(System.getProperty(SQLITE3_PROPERTY, "/usr/bin/sqlite3"));
        if (!Files.isExecutable(sqlite3)) {
            throw new AssertionError("The sqlite3 shell is missing: " + sqlite3 + " is not executable (system"
                    + " property " + SQLITE3_PROPERTY + ").\n" + INSTALL_HINT);
        }
        return new LitestreamVfs(sqlite3, so, workDir);
    }

    private static Path locateExtension() {
        String property = System.getProperty(SO_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Paths.get(property);
        }
        String root = System.getProperty("litevfs.root");
        if (root != null && !root.isBlank()) {
            return Paths.get(root).resolve(SO_IN_REPO);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("tools/interop"))) {
                return dir.resolve(SO_IN_REPO);
            }
        }
        return Paths.get(SO_IN_REPO).toAbsolutePath();
    }

    /** A copy with another per-call time-out (default 120 s). */
    public LitestreamVfs withTimeout(Duration newTimeout) {
        return new LitestreamVfs(sqlite3, extension, workDir, newTimeout, syncInterval);
    }

    /** A copy with another {@code LITESTREAM_SYNC_INTERVAL} for write mode (a Go duration; default 200ms). */
    public LitestreamVfs withSyncInterval(String goDuration) {
        return new LitestreamVfs(sqlite3, extension, workDir, timeout, goDuration);
    }

    public Path extension() {
        return extension;
    }

    /** {@code sqlite3 --version}, e.g. {@code 3.40.1 2022-12-28 ...}. */
    public String sqliteVersion() {
        Call call = newCall();
        Result r = call.run(List.of(sqlite3.toString(), "--version"), "", Map.of());
        return r.stdout().trim();
    }

    /**
     * Runs one SQL string on a fresh read-only connection and returns its rows; values are {@link Long}, {@link
     * Double}, {@link String} or {@code null}. Works for PRAGMAs too ({@code PRAGMA integrity_check}, {@code PRAGMA
     * page_count}). If the string holds several statements, the rows of all of them are returned in order.
     */
    public List<List<Object>> query(Path replicaDir, String sql) {
        return queryAll(Replica.dir(replicaDir), sql).get(0);
    }

    /** {@link #query(Path, String)} on any replica. */
    public List<List<Object>> query(Replica replica, String sql) {
        return queryAll(replica, sql).get(0);
    }

    /**
     * Runs several SQL strings in order on <b>one</b> fresh read-only connection (for example {@code SELECT
     * litestream_set_time('…')} followed by queries) and returns the rows of each.
     */
    public List<List<List<Object>>> queryAll(Path replicaDir, String... sqls) {
        return queryAll(Replica.dir(replicaDir), sqls);
    }

    /** {@link #queryAll(Path, String...)} on any replica. */
    public List<List<List<Object>>> queryAll(Replica replicaDir, String... sqls) {
        requireReadable(replicaDir);
        String marker = "~~litevfs-end-of-statement-" + UUID.randomUUID() + "~~";
        StringBuilder script = new StringBuilder();
        script.append(".open '").append(URI).append("'\n.mode json\n");
        for (String sql : sqls) {
            script.append(terminated(sql)).append(".print ").append(marker).append('\n');
        }
        Call call = newCall();
        Result r = call.runSqlite(replicaDir, script.toString(), false);
        List<String> chunks = splitOnMarker(r.stdout(), marker);
        if (chunks.size() != sqls.length + 1 || !chunks.get(sqls.length).isBlank()) {
            throw call.failure("unexpected output: expected " + sqls.length + " statement outputs", r);
        }
        List<List<List<Object>>> results = new ArrayList<>();
        for (int i = 0; i < sqls.length; i++) {
            try {
                results.add(parseRows(chunks.get(i)));
            } catch (IOException | RuntimeException e) {
                throw call.failure("cannot parse the JSON output of statement " + (i + 1) + ": " + e, r);
            }
        }
        return results;
    }

    /** The TXID the extension reports for the replica ({@code litestream_txid()}, 16 hex digits). */
    public String txid(Path replicaDir) {
        return txid(Replica.dir(replicaDir));
    }

    /** {@link #txid(Path)} on any replica. */
    public String txid(Replica replicaDir) {
        List<List<Object>> rows = query(replicaDir, "SELECT litestream_txid()");
        if (rows.size() != 1 || rows.get(0).size() != 1 || !(rows.get(0).get(0) instanceof String)) {
            throw new LitestreamVfsException("unexpected litestream_txid() result: " + rows);
        }
        return (String) rows.get(0).get(0);
    }

    /** The exact stdout of the shell's {@code .dump} through the extension. */
    public String dump(Path replicaDir) {
        return dump(Replica.dir(replicaDir));
    }

    /** {@link #dump(Path)} on any replica. */
    public String dump(Replica replicaDir) {
        Path out = newCall().dir.resolve("dump.sql");
        dumpToFile(replicaDir, out);
        try {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the exact stdout of {@code .dump} to {@code out} (for large databases) and returns {@code out}. */
    public Path dumpToFile(Path replicaDir, Path out) {
        return dumpToFile(Replica.dir(replicaDir), out);
    }

    /** {@link #dumpToFile(Path, Path)} on any replica. */
    public Path dumpToFile(Replica replicaDir, Path out) {
        requireReadable(replicaDir);
        Call call = newCall();
        Result r = call.runSqlite(replicaDir, ".open '" + URI + "'\n.dump\n", false);
        try {
            Files.move(r.stdoutFile(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Runs one transaction in write mode on a fresh connection, closes it (which makes the extension upload exactly
     * one L0 file) and returns the path of the new {@code ltx/0/} file. The statements are wrapped in {@code BEGIN} …
     * {@code COMMIT} unless one of them is a transaction-control statement ({@code BEGIN}, {@code COMMIT}, {@code
     * END}, {@code ROLLBACK}), in which case they run verbatim (e.g. {@code PRAGMA page_size=1024} before {@code
     * BEGIN}). Fails unless exactly one new L0 file appeared: an empty transaction uploads nothing (use {@link
     * #executeAllowingNoUpload}).
     */
    public Path execute(Path replicaDir, String... statements) {
        List<Path> added = executeAllowingNoUpload(replicaDir, statements);
        if (added.size() != 1) {
            throw new LitestreamVfsException("expected exactly one new L0 file under " + replicaDir.resolve("ltx/0")
                    + " after the transaction " + List.of(statements) + ", found " + added);
        }
        return added.get(0);
    }

    /** {@link #execute(Path, String...)} on any replica; returns the name of the new L0 file. */
    public String execute(Replica replica, String... statements) {
        List<String> added = executeAllowingNoUpload(replica, statements);
        if (added.size() != 1) {
            throw new LitestreamVfsException("expected exactly one new L0 file in " + replica.description()
                    + " after the transaction " + List.of(statements) + ", found " + added);
        }
        return added.get(0);
    }

    /** Like {@link #execute} but returns the new L0 files, possibly none. */
    public List<Path> executeAllowingNoUpload(Path replicaDir, String... statements) {
        Path l0 = replicaDir.resolve("ltx").resolve("0");
        return executeAllowingNoUpload(Replica.dir(replicaDir), statements).stream()
                .map(l0::resolve)
                .collect(Collectors.toList());
    }

    /** Like {@link #execute(Replica, String...)} but returns the names of the new L0 files, possibly none. */
    public List<String> executeAllowingNoUpload(Replica replica, String... statements) {
        Set<String> before = replica.level0().get();
        boolean verbatim =
                Stream.of(statements).anyMatch(s -> TX_CONTROL.matcher(s).matches());
        StringBuilder script = new StringBuilder(".open '" + URI + "'\n");
        if (!verbatim) {
            script.append("BEGIN;\n");
        }
        for (String s : statements) {
            script.append(terminated(s));
        }
        if (!verbatim) {
            script.append("COMMIT;\n");
        }
        Call call = newCall();
        Result r = call.runSqlite(replica, script.toString(), true);
        // The upload happens in xClose, before the process exits (observed: the file is always there at exit);
        // a short grace period covers a slow store without slowing down the no-upload case much.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        Set<String> added;
        while (true) {
            added = new TreeSet<>(replica.level0().get());
            added.removeAll(before);
            if (!added.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            sleep(50);
        }
        for (String f : added) {
            if (!LTX_NAME.matcher(f).matches()) {
                throw call.failure("unexpected file name in level 0: " + f, r);
            }
        }
        return new ArrayList<>(added);
    }

    /**
     * A replica the real extension opens: its {@code LITESTREAM_REPLICA_URL}, extra environment (credentials), how to
     * list the names of its level-0 files, and whether it holds any LTX file (a read-only open of an empty replica
     * blocks, pitfall P11).
     *
     * @param url the Litestream replica URL
     * @param env extra environment of the sqlite3 process, e.g. {@code AWS_ACCESS_KEY_ID}
     * @param level0 lists the names of the level-0 LTX files
     * @param hasLtx whether the replica holds any LTX file
     * @param description for messages (no secrets)
     */
    public record Replica(
            String url,
            Map<String, String> env,
            java.util.function.Supplier<Set<String>> level0,
            java.util.function.BooleanSupplier hasLtx,
            String description) {

        /** A local directory in the file layout. */
        public static Replica dir(Path dir) {
            return new Replica(
                    replicaUrl(dir),
                    Map.of(),
                    () -> ltxNames(dir.resolve("ltx").resolve("0")),
                    () -> hasLtxFile(dir),
                    dir.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private static void requireReadable(Replica replica) {
        if (!replica.hasLtx().getAsBoolean()) {
            throw new LitestreamVfsException("replica " + replica.description() + " holds no LTX file: a read-only open"
                    + " by the real extension would block until one appears (pitfall P11)");
        }
    }

    private static boolean hasLtxFile(Path replicaDir) {
        if (!Files.isDirectory(replicaDir)) {
            throw new LitestreamVfsException("replica directory does not exist: " + replicaDir);
        }
        try (Stream<Path> s = Files.walk(replicaDir)) {
            return s.anyMatch(p -> LTX_NAME.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> ltxNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".ltx"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String terminated(String sql) {
        String t = sql.strip();
        // The semicolon goes on its own line so that a trailing "-- comment" cannot swallow it.
        return t.endsWith(";") ? t + "\n" : t + "\n;\n";
    }

    private static List<String> splitOnMarker(String stdout, String marker) {
        List<String> chunks = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : stdout.split("\n", -1)) {
            if (line.equals(marker)) {
                chunks.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(line).append('\n');
            }
        }
        chunks.add(cur.toString());
        return chunks;
    }

    /** Parses zero or more JSON arrays of row objects, keeping column order (and repeated column names). */
    static List<List<Object>> parseRows(String json) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                expect(t, JsonToken.START_ARRAY, p);
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    expect(t, JsonToken.START_OBJECT, p);
                    List<Object> row = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                        expect(t, JsonToken.FIELD_NAME, p);
                        row.add(value(p.nextToken(), p));
                    }
                    rows.add(Collections.unmodifiableList(row));
                }
            }
        }
        return rows;
    }

    private static Object value(JsonToken t, JsonParser p) throws IOException {
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                return p.getText();
            default:
                throw new IOException("unexpected JSON token " + t + " at " + p.currentLocation());
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but got " + actual + " at " + p.currentLocation());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LitestreamVfsException("interrupted");
        }
    }

    private Call newCall() {
        return new Call(workDir.resolve("calls").resolve(String.format(Locale.ROOT, "%05d", CALLS.incrementAndGet())));
    }

    private record Result(int exitCode, Path stdoutFile, String stderr) {
        String stdout() {
            try {
                return Files.readString(stdoutFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One sqlite3 process, with its own directory for script, stdout, stderr and the extension's log. */
    private final class Call {
        final Path dir;
        private String description = "";

        Call(Path dir) {
            this.dir = dir;
            try {
                Files.createDirectories(dir);
                Files.createDirectories(workDir.resolve("tmp"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Result runSqlite(Replica replica, String script, boolean write) {
            Map<String, String> env = new java.util.LinkedHashMap<>(replica.env());
            env.put("LITESTREAM_REPLICA_URL", replica.url());
            env.put("LITESTREAM_LOG_FILE", dir.resolve("vfs.log").toString());
            if (write) {
                env.put("LITESTREAM_WRITE_ENABLED", "true");
                env.put("LITESTREAM_SYNC_INTERVAL", syncInterval);
            }
            List<String> command = List.of(
                    sqlite3.toString(), "-init", "/dev/null", "-batch", "-bail", "-cmd", ".load '" + extension + "'");
            Result r = run(command, script, env);
            if (r.exitCode() != 0) {
                throw failure("sqlite3 exited with code " + r.exitCode(), r);
            }
            return r;
        }

        Result run(List<String> command, String stdin, Map<String, String> extraEnv) {
            Path in = dir.resolve("script.sql");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Map<String, String> shown = new java.util.TreeMap<>(extraEnv);
            shown.replaceAll((k, v) -> k.matches(".*(SECRET|TOKEN|KEY).*") ? "***" : v);
            description = "command: " + String.join(" ", command) + "\nenv: " + shown + "\ncwd: " + dir;
            try {
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectInput(in.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                Map<String, String> env = pb.environment();
                env.keySet().removeIf(k -> k.startsWith("LITESTREAM_") || k.equals("AWS_CA_BUNDLE"));
                env.put("TMPDIR", workDir.resolve("tmp").toString());
                env.putAll(extraEnv);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw failure(
                            "sqlite3 did not finish within " + timeout.toSeconds() + " s (killed)",
                            new Result(-1, out, Files.readString(err, StandardCharsets.UTF_8)));
                }
                return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LitestreamVfsException("interrupted while running " + command);
            }
        }

        LitestreamVfsException failure(String what, Result r) {
            StringBuilder m = new StringBuilder(what).append('\n').append(description);
            m.append("\n--- stderr ---\n").append(r.stderr());
            m.append("\n--- script ---\n").append(read(dir.resolve("script.sql"), 4000));
            m.append("\n--- stdout (head) ---\n").append(read(r.stdoutFile(), 4000));
            m.append("\n--- extension log (tail) ---\n").append(tail(dir.resolve("vfs.log"), 4000));
            return new LitestreamVfsException(m.toString(), r.exitCode(), r.stderr());
        }
    }

    private static String replicaUrl(Path replicaDir) {
        String uri = replicaDir.toAbsolutePath().normalize().toUri().toString(); // file:///abs/dir/
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private static String read(Path file, int max) {
        try {
            if (!Files.exists(file)) {
                return "(none)";
            }
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= max ? s : s.substring(0, max) + "\n… (" + s.length() + " chars)";
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String tail(Path file, int max) {
        try {
            if (!Files.exists(file)) {
                return "(none)";
            }
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= max ? s : "… " + s.substring(s.length() - max);
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** A failed call: non-zero exit, time-out, missing upload or unparsable output. */
    public static final class LitestreamVfsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;
        private final String stderr;

        LitestreamVfsException(String message) {
            this(message, 0, "");
        }

        LitestreamVfsException(String message, int exitCode, String stderr) {
            super(message);
            this.exitCode = exitCode;
            this.stderr = stderr;
        }

        /** The process's exit code (-1 on time-out, 0 if the process succeeded but its result was wrong). */
        public int exitCode() {
            return exitCode;
        }

        /** The process's stderr, e.g. {@code Parse error near line 3: no such table: t}. */
        public String stderr() {
            return stderr;
        }
    }
}

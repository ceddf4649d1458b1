package io.litevfs.benchmarks;

import io.litevfs.benchmarks.storage.DelayedStorageClientProvider;
import io.litevfs.benchmarks.storage.RequestStats;
import io.litevfs.engine.ImportResult;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.LiteVfsRuntime;
import io.litevfs.engine.Replica;
import io.litevfs.engine.ReplicaInfo;
import io.litevfs.engine.Row;
import io.litevfs.sqlite.SqliteBinding;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * End-to-end benchmark of the read path (architecture.md §13): stock libsqlite3 reading a Litestream replica
 * through the litevfs VFS, against a local directory behind a fixed per-request delay ({@code delayed://}, see
 * {@link DelayedStorageClientProvider}).
 *
 * <p>It generates (or reuses) a SQLite database of {@code --size-mb} MB — table {@code t(id INTEGER PRIMARY KEY, k
 * INTEGER, name TEXT, payload BLOB)}, about 1 KB of incompressible payload per row, a secondary index on {@code k}
 * — imports it as a snapshot into a local-directory replica, then measures, each cold operation on a fresh runtime
 * (empty cache):
 *
 * <ul>
 *   <li><b>open</b>: connecting (listing, loading the page index, reading the header page);
 *   <li><b>schema</b>: the first statement that needs the schema;
 *   <li><b>point lookup</b> by rowid and by the secondary index;
 *   <li><b>full scan</b> of the table;
 *   <li><b>warm queries</b>, once the cache holds the whole database, against the same queries on the local file
 *       through the same libsqlite3 (default VFS), interleaved, median of several runs.
 * </ul>
 *
 * Requests, bytes and sequential round trips are machine-independent; times are only meaningful side by side.
 *
 * <pre>{@code
 * mvn -q -pl litevfs-benchmarks -am package -DskipTests
 * java -cp litevfs-benchmarks/target/benchmarks.jar io.litevfs.benchmarks.ReadPathBenchmark --size-mb 200 --delay-ms 20
 * }</pre>
 */
public final class ReadPathBenchmark {

    private static final String TABLE_SCAN = "SELECT count(*), sum(length(payload)) FROM t";
    private static final String INDEX_SCAN = "SELECT count(*), max(k) FROM t WHERE k >= 0";
    private static final String BY_ROWID = "SELECT id, k, name, length(payload) FROM t WHERE id = ?";
    private static final String BY_INDEX = "SELECT id, k, name, length(payload) FROM t WHERE k = ?";
    private static final String RANGE = "SELECT count(*), sum(length(payload)) FROM t WHERE id BETWEEN ? AND ?";
    private static final long K_MULTIPLIER = 1_000_003L;
    private static final long K_MODULUS = 2_147_483_647L; // prime: k is a permutation of the ids
    private static final int RANGE_ROWS = 10_000;
    private static final int LOOKUP_BATCH = 200;

    private final Options options;
    private final AtomicInteger runtimes = new AtomicInteger();
    private final StringBuilder report = new StringBuilder();
    private Path database;
    private Path replicaDir;
    private RequestStats stats;
    private long rows;
    private long dbBytes;

    private ReadPathBenchmark(Options options) {
        this.options = options;
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [--size-mb N] [--delay-ms N] [--dir DIR] [--trials N] [--warm-runs N] [--cache-mb N]
     *     [--no-reference] [--vectors DIR]}
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ReadPathBenchmark: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        new ReadPathBenchmark(options).run(args);
        System.exit(0); // the shared Reactor schedulers are not daemon-free on every version
    }

    private void run(String[] args) throws Exception {
        long started = System.nanoTime();
        try (LiteVfsRuntime util = newRuntime(16L << 20)) {
            prepare(util.binding());
            line("litevfs read-path benchmark");
            line("command:  java -cp litevfs-benchmarks/target/benchmarks.jar " + ReadPathBenchmark.class.getName()
                    + (args.length == 0 ? "" : " " + String.join(" ", args)));
            line("options:  " + options);
            line(String.format(
                    Locale.ROOT,
                    "machine:  %d cores, Java %s, SQLite %s",
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    util.binding().libraryVersion()));
            describe();
            line("");

            progress("JIT warm-up (not reported)");
            for (int i = 0; i < 2; i++) {
                coldLookup(0, BY_ROWID, rowidFor(i + 7, 10));
                coldLookup(0, BY_INDEX, kOf(rowidFor(i + 3, 10)));
            }

            cold(options.delayMs);
            openScaling(options.delayMs);
            if (options.reference && options.delayMs != 0) {
                cold(0);
            }
            warm(util.binding());
        }
        line(String.format(Locale.ROOT, "total run time: %.1f s", (System.nanoTime() - started) / 1e9));
        System.out.println();
        System.out.print(report);
        System.out.flush();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Setup

    private void prepare(SqliteBinding binding) throws IOException, SqliteException {
        Files.createDirectories(options.dir);
        database = options.dir.resolve("bench-" + options.sizeMb + "mb.db");
        replicaDir = options.dir.resolve("replica-" + options.sizeMb + "mb");
        if (!Files.exists(database)) {
            generate(binding, database);
        } else {
            progress("reusing " + database);
        }
        dbBytes = Files.size(database);
        try (SqliteConnection c = binding.open(database.toString(), SqliteCodes.OPEN_READONLY, null)) {
            rows = longValue(c, "SELECT value FROM meta WHERE key = 'rows'");
        }

        Path marker = options.dir.resolve("replica-" + options.sizeMb + "mb.imported");
        String stamp = dbBytes + " " + Files.getLastModifiedTime(database).toMillis();
        if (!Files.exists(marker) || !Files.readString(marker).trim().equals(stamp) || !Files.isDirectory(replicaDir)) {
            deleteRecursively(replicaDir);
            Files.createDirectories(replicaDir);
            progress("importing " + database + " into " + replicaDir);
            long t0 = System.nanoTime();
            try (Replica r = Replica.open(replicaDir.toUri().toString())) {
                ImportResult imported = r.importDatabase(database).block();
                progress(String.format(
                        Locale.ROOT,
                        "imported %s (%d pages) in %.1f s",
                        imported.file().describe(),
                        imported.pageCount(),
                        (System.nanoTime() - t0) / 1e9));
            }
            Files.writeString(marker, stamp + "\n");
        } else {
            progress("reusing replica " + replicaDir);
        }
        stats = DelayedStorageClientProvider.stats(replicaDir);
    }

    private void generate(SqliteBinding binding, Path target) throws IOException, SqliteException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-journal"));
        progress("generating " + target + " (" + options.sizeMb + " MB)");
        long t0 = System.nanoTime();
        long wanted = (long) options.sizeMb << 20;
        long n = 0;
        try (SqliteConnection c =
                binding.open(tmp.toString(), SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null)) {
            c.exec("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
            c.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, name TEXT NOT NULL,"
                    + " payload BLOB NOT NULL)");
            c.exec("BEGIN");
            int batch = 5_000;
            while (longValue(c, "PRAGMA page_count") * 4096 < wanted) {
                try (SqliteStatement s = c.prepare("INSERT INTO t(id, k, name, payload)"
                        + " WITH RECURSIVE c(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM c WHERE i < ?2)"
                        + " SELECT i, (i * " + K_MULTIPLIER + ") % " + K_MODULUS
                        + ", printf('name-%09d', i), randomblob(1000) FROM c")) {
                    s.bind(1, n + 1);
                    s.bind(2, n + batch);
                    s.step();
                }
                n += batch;
            }
            c.exec("CREATE INDEX t_k ON t(k)");
            c.exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            c.exec("INSERT INTO meta VALUES ('rows', " + n + ")");
            c.exec("COMMIT");
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        progress(String.format(
                Locale.ROOT,
                "generated %,d rows, %.1f MB in %.1f s",
                n,
                Files.size(target) / 1e6,
                (System.nanoTime() - t0) / 1e9));
    }

    private void describe() throws Exception {
        try (Replica r = Replica.open(replicaDir.toUri().toString())) {
            ReplicaInfo info = r.info().block();
            line(String.format(
                    Locale.ROOT,
                    "database: %s, %.1f MB, page size %d, %,d pages, %,d rows in t (+ index t_k)",
                    database,
                    dbBytes / 1e6,
                    info.pageSize(),
                    info.commit(),
                    rows));
            line(String.format(
                    Locale.ROOT,
                    "replica:  %s, %d LTX file(s), %.1f MB, TXID %s",
                    replicaDir,
                    info.fileCount(),
                    info.totalBytes() / 1e6,
                    info.txId()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Cold phases

    private void cold(int delayMs) {
        List<ColdTrial> rowid = new ArrayList<>();
        List<ColdTrial> index = new ArrayList<>();
        for (int i = 0; i < options.trials; i++) {
            progress("cold lookups, delay " + delayMs + " ms, trial " + (i + 1) + "/" + options.trials);
            rowid.add(coldLookup(delayMs, BY_ROWID, rowidFor(i, options.trials)));
            index.add(coldLookup(delayMs, BY_INDEX, kOf(rowidFor(i, options.trials) + 17)));
        }
        progress("cold full scan, delay " + delayMs + " ms");
        ColdTrial scan = coldLookup(delayMs, TABLE_SCAN);

        List<Measure> opens = new ArrayList<>();
        List<Measure> schemas = new ArrayList<>();
        for (List<ColdTrial> ts : List.of(rowid, index)) {
            for (ColdTrial t : ts) {
                opens.add(t.open());
                schemas.add(t.schema());
            }
        }

        line(String.format(
                Locale.ROOT,
                "COLD (fresh runtime, empty cache), storage delay %d ms per request; lookups: median of %d trials"
                        + " [min-max]",
                delayMs,
                options.trials));
        Table table = new Table(
                "operation",
                "requests",
                "round trips",
                "bytes",
                "pages fetched",
                "time",
                "time / (round trips x delay)");
        table.row(coldRow("open (connect: list, index, header page)", opens, delayMs));
        table.row(coldRow("schema (first statement)", schemas, delayMs));
        table.row(coldRow(
                "point lookup by rowid", rowid.stream().map(ColdTrial::query).toList(), delayMs));
        table.row(coldRow(
                "point lookup by index k", index.stream().map(ColdTrial::query).toList(), delayMs));
        Measure q = scan.query();
        table.row(coldRow("full scan of t (" + rows + " rows)", List.of(q), delayMs));
        table.print(this);
        double seconds = q.nanos() / 1e9;
        long requests = q.io().requests();
        line(String.format(
                Locale.ROOT,
                "  full scan: %.1f MB fetched in %d requests (%.0f KB/request, %.0f pages/request), %.1f MB/s;"
                        + " %d cache misses waited for storage of %d page reads",
                q.io().bytes() / 1e6,
                requests,
                requests == 0 ? 0.0 : q.io().bytes() / 1e3 / requests,
                requests == 0 ? 0.0 : (double) q.pagesFetched() / requests,
                q.io().bytes() / 1e6 / seconds,
                q.misses(),
                q.misses() + q.hits()));
        if (delayMs == 0) {
            line("  (with no delay, round trips are not meaningful: a parallel request may finish before the next"
                    + " one starts)");
        }
        if (delayMs > 0 && requests > 0) {
            line(String.format(
                    Locale.ROOT,
                    "  bound with strictly sequential requests of that mean size: %.1f MB/s; with 1 MiB requests:"
                            + " %.1f MB/s",
                    q.io().bytes() / 1e6 / requests / (delayMs / 1e3),
                    (1 << 20) / 1e6 / (delayMs / 1e3)));
        }
        line("");
    }

    /**
     * Open cost against replicas whose latest plan has more files (the Litestream-written test vectors, if
     * present): round trips must not grow with the number of files (architecture.md §7).
     */
    private void openScaling(int delayMs) {
        Path vectors = options.vectors;
        if (vectors == null || !Files.isDirectory(vectors)) {
            line("(open vs. number of files skipped: no vectors directory; give --vectors testdata/vectors)");
            line("");
            return;
        }
        progress("open vs. number of plan files, delay " + delayMs + " ms");
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(vectors)) {
            list.filter(Files::isDirectory).sorted().forEach(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String[]> rowsOut = new ArrayList<>();
        for (Path dir : dirs) {
            int planFiles;
            int allFiles;
            try (Replica r = Replica.open(dir.toUri().toString())) {
                ReplicaInfo info = r.info().block();
                if (info == null || info.latest() == null) {
                    continue;
                }
                planFiles = info.latest().files().size();
                allFiles = info.fileCount();
            } catch (RuntimeException e) {
                continue; // not a replica
            }
            RequestStats s = DelayedStorageClientProvider.stats(dir);
            try (LiteVfsRuntime rt = newRuntime(16L << 20)) {
                LiteDatabase db = rt.open(DelayedStorageClientProvider.url(dir, delayMs));
                db.query("SELECT 1").blockLast(); // JIT of the path; a new runtime below measures the cold open
            } catch (RuntimeException e) {
                progress("skipping " + dir + ": " + e.getMessage());
                continue;
            }
            try (LiteVfsRuntime rt = newRuntime(16L << 20)) {
                LiteDatabase db = rt.open(DelayedStorageClientProvider.url(dir, delayMs));
                s.reset();
                long t0 = System.nanoTime();
                db.query("SELECT 1").blockLast();
                long nanos = System.nanoTime() - t0;
                RequestStats.Snapshot io = s.snapshot();
                db.close();
                rowsOut.add(new String[] {
                    dir.getFileName().toString(),
                    String.valueOf(allFiles),
                    String.valueOf(planFiles),
                    io.requests() + " (" + io.lists() + " list + " + io.rangeReads() + " range)",
                    String.valueOf(io.roundTrips()),
                    String.valueOf(io.maxInFlight()),
                    timeText(nanos)
                });
            }
        }
        rowsOut.sort(Comparator.comparingInt((String[] r) -> Integer.parseInt(r[2])));
        line("OPEN vs. number of LTX files in the plan (Litestream-written vectors in " + vectors + "), delay "
                + delayMs + " ms");
        Table table = new Table("replica", "files", "plan files", "requests", "round trips", "max in flight", "time");
        rowsOut.forEach(table::row);
        table.print(this);
        line("");
    }

    private String[] coldRow(String name, List<Measure> trials, int delayMs) {
        long[] requests = trials.stream().mapToLong(t -> t.io().requests()).toArray();
        long[] trips = trials.stream().mapToLong(t -> t.io().roundTrips()).toArray();
        long[] bytes = trials.stream().mapToLong(t -> t.io().bytes()).toArray();
        long[] pages = trials.stream().mapToLong(Measure::pagesFetched).toArray();
        long[] nanos = trials.stream().mapToLong(Measure::nanos).toArray();
        long medianTrips = median(trips);
        String ratio = delayMs == 0 || medianTrips == 0
                ? "-"
                : String.format(Locale.ROOT, "%.2f", median(nanos) / 1e6 / (medianTrips * (double) delayMs));
        return new String[] {
            name,
            spread(requests, String::valueOf),
            spread(trips, String::valueOf),
            bytesText(median(bytes)),
            spread(pages, String::valueOf),
            timeText(median(nanos)),
            ratio
        };
    }

    /**
     * One cold operation on a fresh runtime: connects (open), runs the first statement that needs the schema, then
     * the query.
     */
    private ColdTrial coldLookup(int delayMs, String sql, Object... args) {
        String url = DelayedStorageClientProvider.url(replicaDir, delayMs);
        try (LiteVfsRuntime rt = newRuntime(cacheBytes())) {
            LiteDatabase db = rt.open(url);
            Measure open = measure(db, false, () -> db.query("SELECT 1").blockLast());
            Measure schema = measure(db, true, () -> db.query("SELECT count(*) FROM sqlite_schema")
                    .blockLast());
            Measure query = measure(db, true, () -> db.query(sql, args).blockLast());
            db.close();
            return new ColdTrial(open, schema, query);
        }
    }

    private Measure measure(LiteDatabase db, boolean connected, Runnable op) {
        Map<String, Long> before = connected ? connectionStats(db) : Map.of();
        stats.reset();
        long t0 = System.nanoTime();
        op.run();
        long nanos = System.nanoTime() - t0;
        RequestStats.Snapshot io = stats.snapshot();
        if (io.inFlight() != 0) {
            progress("warning: " + io.inFlight() + " request(s) still in flight after the operation");
        }
        Map<String, Long> after = connectionStats(db);
        return new Measure(
                io,
                nanos,
                after.getOrDefault("pages_fetched", 0L) - before.getOrDefault("pages_fetched", 0L),
                after.getOrDefault("cache_misses", 0L) - before.getOrDefault("cache_misses", 0L),
                after.getOrDefault("cache_hits", 0L) - before.getOrDefault("cache_hits", 0L));
    }

    private static final Pattern JSON_NUMBER = Pattern.compile("\"([a-z_]+)\":(\\d+)");

    /** Reads {@code PRAGMA litevfs_stats} of the (pooled, reused) connection; empty before the first open. */
    private static Map<String, Long> connectionStats(LiteDatabase db) {
        Map<String, Long> m = new HashMap<>();
        // blockLast, not blockFirst: a cancelled query returns its connection to the pool asynchronously, and the
        // next query would then open (and count) a new connection.
        Row row = db.query("PRAGMA litevfs_stats").blockLast();
        if (row != null && row.get(0) instanceof String json) {
            Matcher matcher = JSON_NUMBER.matcher(json);
            while (matcher.find()) {
                m.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Warm phase

    private void warm(SqliteBinding binding) throws SqliteException {
        String url = DelayedStorageClientProvider.url(replicaDir, 0);
        long cache = cacheBytes();
        progress("warm phase: filling the cache (" + cache / (1 << 20) + " MiB) and the OS page cache");
        try (LiteVfsRuntime rt = newRuntime(cache);
                SqliteConnection local = binding.open(database.toString(), SqliteCodes.OPEN_READONLY, null)) {
            LiteDatabase db = rt.open(url);
            db.query(TABLE_SCAN).blockLast();
            db.query(INDEX_SCAN).blockLast();
            runStatement(local, TABLE_SCAN);
            runStatement(local, INDEX_SCAN);
            String stock = "file:litevfs.db?vfs=" + rt.vfsName() + "&replica="
                    + URLEncoder.encode(url, StandardCharsets.UTF_8);
            try (SqliteConnection vfs = binding.open(stock, SqliteCodes.OPEN_READONLY, null)) {
                Workload range = new Workload(
                        "rowid range, " + RANGE_ROWS + " rows (~" + RANGE_ROWS * 4096L / 3 / 1_000_000 + " MB)",
                        1,
                        r -> {
                            long start = 1 + r.nextLong(rows - RANGE_ROWS);
                            return new Object[][] {{start, start + RANGE_ROWS - 1}};
                        },
                        RANGE);
                Workload lookups = new Workload(
                        "point lookup by index k (batch of " + LOOKUP_BATCH + ")",
                        LOOKUP_BATCH,
                        r -> {
                            Object[][] a = new Object[LOOKUP_BATCH][];
                            for (int i = 0; i < LOOKUP_BATCH; i++) {
                                a[i] = new Object[] {kOf(1 + r.nextLong(rows))};
                            }
                            return a;
                        },
                        BY_INDEX);
                List<String[]> out = new ArrayList<>();
                long requestsDuring = 0;
                for (Workload w : List.of(range, lookups)) {
                    progress("warm: " + w.name());
                    stats.reset();
                    out.add(w.measure(local, vfs, db, options.warmRuns));
                    requestsDuring += stats.snapshot().requests();
                }
                line(String.format(
                        Locale.ROOT,
                        "WARM (cache %d MiB holds the whole database; %d storage requests during the measured runs),"
                                + " time per query, median of %d interleaved runs",
                        cache >> 20,
                        requestsDuring,
                        options.warmRuns));
                line("  local = the database file through the same libsqlite3 and its default (unix) VFS;"
                        + " both sides use SQLite's default page cache (2000 KiB)");
                Table table = new Table(
                        "query",
                        "local file",
                        "litevfs (stock SQLite URI)",
                        "ratio",
                        "litevfs (LiteDatabase.query)",
                        "ratio");
                out.forEach(table::row);
                table.print(this);
                line("");
            }
            db.close();
        }
    }

    /** A query workload, measured on three sides with the same arguments, sides interleaved. */
    private final class Workload {
        private final String name;
        private final int perSample;
        private final Function<SplittableRandom, Object[][]> arguments;
        private final String sql;

        Workload(String name, int perSample, Function<SplittableRandom, Object[][]> arguments, String sql) {
            this.name = name;
            this.perSample = perSample;
            this.arguments = arguments;
            this.sql = sql;
        }

        String name() {
            return name;
        }

        String[] measure(SqliteConnection local, SqliteConnection vfs, LiteDatabase db, int runs)
                throws SqliteException {
            int warmup = 3;
            long[][] nanos = new long[3][runs];
            SplittableRandom random = new SplittableRandom(42);
            for (int run = -warmup; run < runs; run++) {
                Object[][] args = arguments.apply(random);
                long[] sums = new long[3];
                for (int j = 0; j < 3; j++) {
                    int side = (j + Math.floorMod(run, 3)) % 3; // rotate which side goes first
                    long t0 = System.nanoTime();
                    long sum = 0;
                    for (Object[] a : args) {
                        sum += switch (side) {
                            case 0 -> runStatement(local, sql, a);
                            case 1 -> runStatement(vfs, sql, a);
                            default -> runQuery(db, sql, a);
                        };
                    }
                    long t = System.nanoTime() - t0;
                    sums[side] = sum;
                    if (run >= 0) {
                        nanos[side][run] = t / perSample;
                    }
                }
                if (sums[0] != sums[1] || sums[0] != sums[2]) {
                    throw new IllegalStateException("different answers for " + sql + " " + Arrays.deepToString(args)
                            + ": local " + sums[0] + ", stock " + sums[1] + ", API " + sums[2]);
                }
            }
            long local0 = median(nanos[0]);
            long stock = median(nanos[1]);
            long api = median(nanos[2]);
            return new String[] {
                name,
                timeText(local0),
                timeText(stock),
                String.format(Locale.ROOT, "%.2fx", (double) stock / local0),
                timeText(api),
                String.format(Locale.ROOT, "%.2fx", (double) api / local0)
            };
        }
    }

    /** Steps a statement to the end; returns a checksum of the values. */
    private static long runStatement(SqliteConnection c, String sql, Object... args) throws SqliteException {
        try (SqliteStatement s = c.prepare(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.bind(i + 1, args[i]);
            }
            long sum = 0;
            while (s.step()) {
                for (int i = 0; i < s.columnCount(); i++) {
                    sum = sum * 31 + checksum(s.columnValue(i));
                }
            }
            return sum;
        }
    }

    private static long runQuery(LiteDatabase db, String sql, Object... args) {
        long[] sum = {0};
        db.query(sql, args)
                .doOnNext(row -> {
                    for (int i = 0; i < row.size(); i++) {
                        sum[0] = sum[0] * 31 + checksum(row.get(i));
                    }
                })
                .blockLast();
        return sum[0];
    }

    private static long checksum(Object v) {
        if (v == null) {
            return 7;
        }
        if (v instanceof byte[] b) {
            return Arrays.hashCode(b);
        }
        return v.hashCode();
    }

    private static long longValue(SqliteConnection c, String sql) throws SqliteException {
        try (SqliteStatement s = c.prepare(sql)) {
            if (!s.step()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return s.columnLong(0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private LiteVfsRuntime newRuntime(long cacheBytes) {
        return LiteVfs.builder()
                .cacheSize(cacheBytes)
                .vfsName("litevfs-bench-" + runtimes.incrementAndGet())
                .build();
    }

    private long cacheBytes() {
        return Math.max((long) options.cacheMb << 20, dbBytes + dbBytes / 4);
    }

    private long rowidFor(int i, int of) {
        return Math.max(1, rows * (2L * i + 1) / (2L * of));
    }

    private static long kOf(long id) {
        return id * K_MULTIPLIER % K_MODULUS;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[(sorted.length - 1) / 2];
    }

    private static String spread(long[] values, LongFunction<String> text) {
        long min = Arrays.stream(values).min().orElse(0);
        long max = Arrays.stream(values).max().orElse(0);
        String m = text.apply(median(values));
        return min == max ? m : m + " [" + text.apply(min) + "-" + text.apply(max) + "]";
    }

    private static String bytesText(long bytes) {
        if (bytes >= 10_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        if (bytes >= 10_000) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
        }
        return bytes + " B";
    }

    private static String timeText(long nanos) {
        if (nanos >= 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }

    private void line(String s) {
        report.append(s).append('\n');
    }

    private static void progress(String s) {
        System.err.println("[read-path] " + s);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * One measured operation.
     *
     * @param io storage traffic
     * @param nanos wall time
     * @param pagesFetched pages decoded from storage reads ({@code PRAGMA litevfs_stats})
     * @param misses page reads that waited for storage
     * @param hits page reads served by the cache
     */
    private record Measure(RequestStats.Snapshot io, long nanos, long pagesFetched, long misses, long hits) {}

    /**
     * One cold operation on a fresh runtime.
     *
     * @param open connecting
     * @param schema the first statement, which reads the schema
     * @param query the operation itself
     */
    private record ColdTrial(Measure open, Measure schema, Measure query) {}

    /** A plain-text table with aligned columns. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(ReadPathBenchmark out) {
            int[] width = new int[rows.get(0).length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (int n = 0; n < rows.size(); n++) {
                String[] r = rows.get(n);
                StringBuilder sb = new StringBuilder("  ");
                for (int i = 0; i < r.length; i++) {
                    String cell = r[i];
                    String pad = " ".repeat(width[i] - cell.length());
                    sb.append(i == 0 ? cell + pad : pad + cell).append(i + 1 < r.length ? "  |  " : "");
                }
                out.line(sb.toString().stripTrailing());
                if (n == 0) {
                    StringBuilder rule = new StringBuilder("  ");
                    for (int i = 0; i < width.length; i++) {
                        rule.append("-".repeat(width[i])).append(i + 1 < width.length ? "--+--" : "");
                    }
                    out.line(rule.toString());
                }
            }
        }
    }

    /** Command-line options. */
    private record Options(
            int sizeMb,
            int delayMs,
            Path dir,
            int trials,
            int warmRuns,
            int cacheMb,
            boolean reference,
            @Nullable Path vectors) {

        static final String USAGE = "usage: ReadPathBenchmark [--size-mb 200] [--delay-ms 20] [--dir DIR]"
                + " [--trials 5] [--warm-runs 15] [--cache-mb 512] [--no-reference] [--vectors testdata/vectors]";

        static Options parse(String[] args) {
            int sizeMb = 200;
            int delayMs = 20;
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "litevfs-readpath");
            int trials = 5;
            int warmRuns = 15;
            int cacheMb = 512;
            boolean reference = true;
            Path vectors = Path.of("testdata", "vectors").toAbsolutePath();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--no-reference")) {
                    reference = false;
                    continue;
                }
                if (a.equals("-h") || a.equals("--help")) {
                    throw new IllegalArgumentException("help");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--size-mb" -> sizeMb = positive(a, v);
                    case "--delay-ms" -> delayMs = nonNegative(a, v);
                    case "--dir" -> dir = Path.of(v).toAbsolutePath().normalize();
                    case "--trials" -> trials = positive(a, v);
                    case "--warm-runs" -> warmRuns = positive(a, v);
                    case "--cache-mb" -> cacheMb = positive(a, v);
                    case "--vectors" -> vectors = Path.of(v).toAbsolutePath().normalize();
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return new Options(sizeMb, delayMs, dir, trials, warmRuns, cacheMb, reference, vectors);
        }

        private static int positive(String name, String v) {
            int n = nonNegative(name, v);
            if (n == 0) {
                throw new IllegalArgumentException(name + " must be > 0");
            }
            return n;
        }

        private static int nonNegative(String name, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new IllegalArgumentException(name + " must be >= 0, not " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, not '" + v + "'");
            }
        }

        @Override
        public String toString() {
            return "--size-mb " + sizeMb + " --delay-ms " + delayMs + " --dir " + dir + " --trials " + trials
                    + " --warm-runs " + warmRuns + " --cache-mb " + cacheMb + (reference ? "" : " --no-reference")
                    + (vectors == null ? "" : " --vectors " + vectors);
        }
    }
}

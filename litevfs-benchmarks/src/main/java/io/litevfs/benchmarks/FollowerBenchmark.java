package io.litevfs.benchmarks;

import io.litevfs.benchmarks.storage.DelayedStorageClientProvider;
import io.litevfs.benchmarks.storage.RequestStats;
import io.litevfs.engine.DbVersion;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.LiteVfsRuntime;
import io.litevfs.engine.Replica;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteStatement;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * Follower costs: idle polling requests per minute with 1, 4 and 16 open connections on one replica, and the lag
 * from an upload to the version being applied.
 *
 * <pre>
 * java -cp litevfs-benchmarks/target/benchmarks.jar io.litevfs.benchmarks.FollowerBenchmark [--idle-seconds 20]
 *     [--versions 40] [--delay-ms 20]
 * </pre>
 *
 * The replica is a local directory behind the counting, delaying storage wrapper ({@code delayed://}); versions
 * are written by importing a small SQLite database as the next TXID. Requests are counted, not timed, for idle
 * cost; lag is wall time from the import's completion to the {@code DbVersion} arriving, so it includes the poll
 * interval (1 s, the default) and the storage delay.
 */
public final class FollowerBenchmark {

    private FollowerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int idleSeconds = 20;
        int versions = 40;
        long delayMs = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--versions" -> versions = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delayMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("litevfs-follower-bench");
        Path db = work.resolve("source.db");
        Path dir = work.resolve("replica");
        try (LiteVfsRuntime vfs =
                        LiteVfs.builder().vfsName("litevfs-follower-bench").build();
                SqliteConnection writer =
                        vfs.binding().open(db.toString(), SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null);
                Replica replica = Replica.open("file://" + dir)) {
            writer.exec("PRAGMA journal_mode=DELETE; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            replica.importDatabase(db).block();
            String url = DelayedStorageClientProvider.url(dir, delayMs);
            RequestStats stats = DelayedStorageClientProvider.stats(dir);

            System.out.printf(
                    "follower benchmark: poll interval 1 s (default), storage delay %d ms per request%n%n", delayMs);
            System.out.println("IDLE POLLING (no writes), requests per minute per replica");
            System.out.println("  open connections | requests | of which LIST | per minute");
            for (int n : new int[] {1, 4, 16}) {
                List<SqliteConnection> conns = new ArrayList<>();
                String uri =
                        "file:x.db?vfs=" + vfs.vfsName() + "&replica=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
                for (int i = 0; i < n; i++) {
                    SqliteConnection c = vfs.binding().open(uri, SqliteCodes.OPEN_READONLY, null);
                    try (SqliteStatement s = c.prepare("SELECT count(*) FROM t")) {
                        s.step();
                    }
                    conns.add(c);
                }
                Thread.sleep(1500);
                stats.reset();
                Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
                RequestStats.Snapshot s = stats.snapshot();
                System.out.printf(
                        "  %16d | %8d | %13d | %10.1f%n",
                        n, s.requests(), s.lists(), s.requests() * 60.0 / idleSeconds);
                for (SqliteConnection c : conns) {
                    c.close();
                }
            }

            System.out.println();
            System.out.println(
                    "LAG from upload to applied version (" + versions + " versions, writes every 0.2-1.2 s)");
            try (LiteDatabase follower = vfs.open(url)) {
                follower.query("SELECT count(*) FROM t").blockLast();
                Map<TxId, Long> applied = new ConcurrentHashMap<>();
                Disposable sub =
                        follower.versions().subscribe((DbVersion v) -> applied.put(v.txId(), System.nanoTime()));
                Thread.sleep(1500);
                Map<TxId, Long> uploaded = new ConcurrentHashMap<>();
                for (int i = 0; i < versions; i++) {
                    writer.exec("INSERT INTO t(v) VALUES (hex(randomblob(100)))");
                    TxId txid = replica.importDatabase(db).block().file().maxTxId();
                    uploaded.put(txid, System.nanoTime());
                    Thread.sleep(200 + ThreadLocalRandom.current().nextInt(1000));
                }
                Thread.sleep(3000);
                sub.dispose();
                List<Long> lags = new ArrayList<>();
                for (Map.Entry<TxId, Long> e : uploaded.entrySet()) {
                    Long at = applied.get(e.getKey());
                    if (at != null) {
                        lags.add(TimeUnit.NANOSECONDS.toMillis(at - e.getValue()));
                    }
                }
                Collections.sort(lags);
                System.out.printf("  versions applied: %d of %d%n", lags.size(), uploaded.size());
                System.out.printf(
                        "  lag ms: p50 %d  p90 %d  p99 %d  max %d%n",
                        pct(lags, 50), pct(lags, 90), pct(lags, 99), lags.isEmpty() ? -1 : lags.get(lags.size() - 1));
            }
        }
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }
}

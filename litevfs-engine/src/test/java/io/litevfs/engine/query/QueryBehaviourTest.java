package io.litevfs.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.LiteVfsException;
import io.litevfs.engine.LiteVfsRuntime;
import io.litevfs.engine.Row;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteStatement;
import io.litevfs.testkit.Vectors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Errors, concurrency, threads, pragmas and stock SQLite usage of the read-only VFS. */
class QueryBehaviourTest {

    private static LiteVfsRuntime vfs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        vfs = LiteVfs.builder().vfsName("litevfs-behaviour-test").build();
    }

    @AfterAll
    static void stop() {
        vfs.close();
    }

    private Path copy(String vector) throws Exception {
        Path from = Vectors.dir().resolve(vector);
        Path to = tmp.resolve(vector);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    /** Reads the middle of every blob (overflow pages); integrity_check would report read errors as rows. */
    private static final String READ_ALL_BLOBS =
            "SELECT count(DISTINCT hex(substr(body, length(body) / 2, 8))) FROM docs";

    /** The largest LTX file of a replica: the one whose middle frames the open does not fetch. */
    private static Path largest(Path replica) throws Exception {
        try (Stream<Path> s = Files.walk(replica)) {
            return s.filter(p -> p.toString().endsWith(".ltx"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
        }
    }

    /** The answer of {@link #READ_ALL_BLOBS} on the untouched vector. */
    private long expectedBlobCount() {
        try (LiteDatabase other = vfs.open(Vectors.url(Vectors.byName("d_blob_index")))) {
            return other.query(READ_ALL_BLOBS).blockLast().getLong(0);
        }
    }

    @Test
    void query_corruptFile_failsNamingItThenWorksWhenRepaired() throws Exception {
        Path replica = copy("d_blob_index");
        Path victim = largest(replica);
        byte[] good = Files.readAllBytes(victim);
        try (LiteDatabase db = vfs.open("file://" + replica)) {
            assertThat(db.query("SELECT 1").blockLast()).isNotNull();
            long expected = expectedBlobCount();
            byte[] bad = good.clone();
            for (int i = good.length / 2; i < good.length / 2 + 4096; i++) {
                bad[i] ^= 0x5a;
            }
            Files.write(victim, bad);
            assertThatThrownBy(() -> db.query(READ_ALL_BLOBS).blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining(victim.getFileName().toString())
                    .satisfies(e -> assertThat(SqliteCodes.primary(((LiteVfsException) e).code()))
                            .isEqualTo(SqliteCodes.IOERR));

            Files.write(victim, good);
            assertThat(db.query(READ_ALL_BLOBS).blockLast().getLong(0)).isEqualTo(expected);
        }
    }

    @Test
    void query_missingFile_failsNamingItThenWorks() throws Exception {
        Path replica = copy("d_blob_index");
        Path victim = largest(replica);
        Path aside = tmp.resolve("aside");
        try (LiteDatabase db = vfs.open("file://" + replica)) {
            assertThat(db.query("SELECT 1").blockLast()).isNotNull();
            long expected = expectedBlobCount();
            Files.move(victim, aside);
            assertThatThrownBy(() -> db.query(READ_ALL_BLOBS).blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining(victim.getFileName().toString());
            Files.move(aside, victim);
            assertThat(db.query(READ_ALL_BLOBS).blockLast().getLong(0)).isEqualTo(expected);
        }
    }

    @Test
    void query_truncatedFileAtOpen_failsNamingIt() throws Exception {
        Path replica = copy("b_many_tx");
        Path victim = replica.resolve("ltx/0/000000000000001f-000000000000001f.ltx");
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        try (LiteDatabase db = vfs.open("file://" + replica)) {
            assertThatThrownBy(() -> db.query("SELECT 1").blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining("000000000000001f-000000000000001f.ltx");
        }
    }

    @Test
    void query_twoConnectionsOnTwoThreads() throws Exception {
        try (LiteDatabase db = vfs.open(Vectors.url(Vectors.byName("d_blob_index")))) {
            String sql = "SELECT count(*), sum(size), sum(length(body)) FROM docs";
            Row expected = db.query(sql).blockLast();
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = Stream.of(1, 2)
                    .map(i -> new Thread(() -> {
                        try {
                            start.await();
                            for (int k = 0; k < 5; k++) {
                                assertThat(db.query(sql).blockLast()).isEqualTo(expected);
                            }
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    }))
                    .toList();
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(60_000);
            }
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void query_subscribedFromNonBlockingThread_doesNotBlockIt() throws Exception {
        Scheduler loop = Schedulers.newParallel("fake-event-loop", 1);
        try (LiteDatabase db = vfs.open(Vectors.url(Vectors.byName("f_sparse_many_pages")))) {
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Object> result = new AtomicReference<>();
            long t0 = System.nanoTime();
            // A full scan of ~36 000 pages takes a while; subscribing and receiving happen on the loop thread.
            Flux.defer(() -> db.query("PRAGMA integrity_check"))
                    .subscribeOn(loop)
                    .publishOn(loop)
                    .subscribe(
                            result::set,
                            e -> {
                                result.set(e);
                                done.countDown();
                            },
                            done::countDown);
            // The loop stays free for other work while the query runs on SQLite's threads.
            CountDownLatch ping = new CountDownLatch(1);
            loop.schedule(ping::countDown);
            assertThat(ping.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
            assertThat(result.get()).isInstanceOf(Row.class);
            assertThat(System.nanoTime() - t0).isPositive();
        } finally {
            loop.dispose();
        }
    }

    @Test
    void query_cancel_finalizesAndConnectionIsReused() {
        try (LiteDatabase db = vfs.open(Vectors.url(Vectors.byName("b_many_tx")))) {
            List<Row> first = db.query("SELECT id FROM ledger ORDER BY id")
                    .take(3)
                    .collectList()
                    .block();
            assertThat(first).hasSize(3);
            assertThat(db.query("SELECT count(*) FROM ledger").blockLast().getLong(0))
                    .isGreaterThan(3);
        }
    }

    @Test
    void query_parameters_andTypedColumns() {
        try (LiteDatabase db = vfs.open(Vectors.url(Vectors.byName("a_single_tx")))) {
            Row r = db.query("SELECT id, name, qty, price, NULL AS n, x'0102' AS b FROM items WHERE id = ?", 3)
                    .blockLast();
            assertThat(r.getLong("id")).isEqualTo(3);
            assertThat(r.getString("name")).isNotBlank();
            assertThat(r.isNull(4)).isTrue();
            assertThat(r.getBlob("b")).containsExactly(1, 2);
            assertThatThrownBy(
                            () -> db.query("SELECT * FROM items WHERE id = ?").blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining("1 parameters but 0 values");
            assertThatThrownBy(() -> db.query("SELECT nope FROM items").blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining("no such column: nope");
            assertThatThrownBy(() -> db.query("DELETE FROM items").blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining("readonly");
        }
    }

    @Test
    void pragmas_statsAndThreads() {
        try (LiteDatabase db = vfs.open(Vectors.url(Vectors.byName("b_many_tx")))) {
            db.query("SELECT count(*) FROM ledger").blockLast();
            String stats = db.query("PRAGMA litevfs_stats").blockLast().getString(0);
            assertThat(stats)
                    .contains("\"requests\":")
                    .contains("\"cache_hits\":")
                    .contains("\"bytes\":");
            assertThatThrownBy(() -> db.query("PRAGMA threads = 4").blockLast()).isInstanceOf(LiteVfsException.class);
        }
    }

    @Test
    void stockSqlite_uriWithReplicaParameter_readsTheReplica() throws Exception {
        String url = Vectors.url(Vectors.byName("a_single_tx"));
        String uri =
                "file:anything.db?vfs=" + vfs.vfsName() + "&replica=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        try (SqliteConnection c = vfs.binding().open(uri, SqliteCodes.OPEN_READONLY, null);
                SqliteStatement s = c.prepare("SELECT count(*) FROM items")) {
            assertThat(s.step()).isTrue();
            assertThat(s.columnLong(0)).isEqualTo(20);
        }
        try (SqliteConnection c = vfs.binding().open(uri, SqliteCodes.OPEN_READONLY, null);
                SqliteStatement s = c.prepare("PRAGMA litevfs_txid")) {
            assertThat(s.step()).isTrue();
            assertThat(s.columnText(0)).isEqualTo("0000000000000001");
        }
    }

    @Test
    void open_badReplica_failsClearly() {
        try (LiteDatabase db = vfs.open("file://" + tmp.resolve("nothing"))) {
            assertThatThrownBy(() -> db.query("SELECT 1").blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining("no LTX files");
        }
        assertThatThrownBy(() -> vfs.open("file://" + tmp + "?bogus=1")).hasMessageContaining("bogus");
    }

    @Test
    void readTimeout_isBounded() {
        assertThat(LiteVfsRuntime.DEFAULT_READ_TIMEOUT).isLessThanOrEqualTo(Duration.ofMinutes(1));
    }
}

package io.litevfs.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.engine.DbVersion;
import io.litevfs.engine.LiteDatabase;
import io.litevfs.engine.LiteVfs;
import io.litevfs.engine.LiteVfsException;
import io.litevfs.engine.LiteVfsRuntime;
import io.litevfs.engine.Replica;
import io.litevfs.engine.Row;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteStatement;
import io.litevfs.testkit.Vectors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Following a live replica: versions, read-your-writes, snapshot isolation of a running statement, and the
 * point-in-time pragmas. The writer is a plain SQLite file imported as a new TXID after each change.
 */
class FollowerTest {

    private static LiteVfsRuntime vfs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        vfs = LiteVfs.builder()
                .vfsName("litevfs-follower-test")
                .pollInterval(Duration.ofMillis(100))
                .build();
    }

    @AfterAll
    static void stop() {
        vfs.close();
    }

    /** A local database and the replica it is imported into. */
    private final class Writer implements AutoCloseable {
        final Path db = tmp.resolve("source.db");
        final String url = "file://" + tmp.resolve("replica");
        final SqliteConnection conn;
        final Replica replica = Replica.open(url);

        Writer() throws Exception {
            conn = vfs.binding().open(db.toString(), SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null);
            conn.exec("PRAGMA journal_mode=DELETE; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                    + " CREATE TABLE c(n INTEGER); INSERT INTO c VALUES (0)");
        }

        /** Adds {@code rows} rows, keeping c.n = count(t), and publishes the database as the next TXID. */
        TxId commit(int rows) throws Exception {
            conn.exec("BEGIN");
            for (int i = 0; i < rows; i++) {
                conn.exec("INSERT INTO t(v) VALUES (hex(randomblob(200)))");
            }
            conn.exec("UPDATE c SET n = (SELECT count(*) FROM t); COMMIT");
            return replica.importDatabase(db).block().file().maxTxId();
        }

        @Override
        public void close() throws Exception {
            conn.close();
            replica.close();
        }
    }

    @Test
    void versions_followTheWriter_andAwaitVersionGivesReadYourWrites() throws Exception {
        try (Writer w = new Writer()) {
            w.commit(10);
            try (LiteDatabase db = vfs.open(w.url)) {
                assertThat(db.query("SELECT count(*) FROM t").blockLast().getLong(0))
                        .isEqualTo(10);
                List<DbVersion> seen = new CopyOnWriteArrayList<>();
                Disposable sub = db.versions().subscribe(seen::add);
                try {
                    TxId last = null;
                    for (int i = 0; i < 5; i++) {
                        last = w.commit(20);
                    }
                    DbVersion v = db.awaitVersion(last).block(Duration.ofSeconds(10));
                    assertThat(v.txId()).isEqualTo(last);
                    assertThat(db.query("SELECT count(*), (SELECT n FROM c) FROM t")
                                    .blockLast())
                            .satisfies(r -> {
                                assertThat(r.getLong(0)).isEqualTo(110);
                                assertThat(r.getLong(1)).isEqualTo(110);
                            });
                    assertThat(db.txId().block()).isEqualTo(last);
                    // Versions arrive in TXID order, each once (the poller may apply several in one poll).
                    assertThat(seen).extracting(DbVersion::txId).isSorted().doesNotHaveDuplicates();
                    assertThat(seen.get(seen.size() - 1).txId()).isEqualTo(last);
                    assertThat(seen).allSatisfy(x -> assertThat(x.pages()).isPositive());
                    long lag = db.query("SELECT litevfs_lag()").blockLast().getLong(0);
                    assertThat(lag).isBetween(0L, 2L);
                } finally {
                    sub.dispose();
                }
            }
        }
    }

    @Test
    void runningStatement_keepsItsSnapshot_whileNewVersionsArrive() throws Exception {
        try (Writer w = new Writer()) {
            w.commit(300);
            try (LiteDatabase db = vfs.open(w.url)) {
                db.versions().take(0).blockLast();
                Iterator<Row> rows = db.query("SELECT id, (SELECT n FROM c) FROM t ORDER BY id")
                        .toIterable(1)
                        .iterator();
                Row first = rows.next();
                TxId next = w.commit(50);
                db.awaitVersion(next).block(Duration.ofSeconds(10));
                // The statement started before TXID 'next' and must finish on its own state.
                long count = 1;
                while (rows.hasNext()) {
                    Row r = rows.next();
                    assertThat(r.getLong(1)).isEqualTo(300);
                    count++;
                }
                assertThat(first.getLong(1)).isEqualTo(300);
                assertThat(count).isEqualTo(300);
                // A new statement sees the new version.
                assertThat(db.query("SELECT count(*) FROM t").blockLast().getLong(0))
                        .isEqualTo(350);
            }
        }
    }

    @Test
    void pragmas_pinAStateAndReturnToLatest_onAStockConnection() throws Exception {
        String url = Vectors.url(Vectors.byName("b_many_tx"));
        String uri = "file:x.db?vfs=" + vfs.vfsName() + "&replica=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        try (SqliteConnection c = vfs.binding().open(uri, SqliteCodes.OPEN_READONLY, null)) {
            assertThat(one(c, "PRAGMA litevfs_txid")).isEqualTo("000000000000001f");
            assertThat(one(c, "PRAGMA litevfs_txid = 3")).isEqualTo("0000000000000003");
            // b_many_tx at TXID 3 has 20 accounts (manifest: intermediate[2]).
            assertThat(one(c, "SELECT count(*) FROM accounts"))
                    .isEqualTo(Vectors.byName("b_many_tx")
                            .get("intermediate")
                            .get(2)
                            .get("queries")
                            .get(0)
                            .get("result")
                            .get(0)
                            .get(0)
                            .asText());
            String at = Vectors.byName("b_many_tx")
                    .get("intermediate")
                    .get(9)
                    .get("set_time")
                    .asText();
            assertThat(one(c, "PRAGMA litevfs_time = '" + at + "'"))
                    .isEqualTo(java.time.Instant.parse(at).toString());
            assertThat(one(c, "PRAGMA litevfs_txid")).isEqualTo("000000000000000a");
            assertThat(one(c, "PRAGMA litevfs_time = 'LATEST'")).isEqualTo("latest");
            assertThat(one(c, "PRAGMA litevfs_txid")).isEqualTo("000000000000001f");
            c.exec("BEGIN; SELECT count(*) FROM accounts");
            assertThatThrownBy(() -> one(c, "PRAGMA litevfs_txid = 2")).hasMessageContaining("inside a transaction");
            c.exec("COMMIT");
            assertThatThrownBy(() -> one(c, "PRAGMA litevfs_time = 'yesterday-ish'"))
                    .hasMessageContaining("not a point in time");
            assertThatThrownBy(() -> one(c, "PRAGMA litevfs_txid = 999"))
                    .hasMessageContaining("transaction not available");
        }
    }

    @Test
    void pointInTimeView_hasNoVersions() {
        try (LiteDatabase db = vfs.open(Vectors.url(Vectors.byName("b_many_tx")))) {
            assertThatThrownBy(() -> db.at(TxId.of(3)).versions().blockFirst())
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> db.at(TxId.of(999)).query("SELECT 1").blockLast())
                    .isInstanceOf(LiteVfsException.class)
                    .hasMessageContaining("oldest retained state");
        }
    }

    private static String one(SqliteConnection c, String sql) throws Exception {
        try (SqliteStatement s = c.prepare(sql)) {
            return s.step() ? s.columnText(0) : null;
        }
    }
}

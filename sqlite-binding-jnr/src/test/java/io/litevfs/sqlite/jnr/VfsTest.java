package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VfsTest extends BindingTestBase {

    @TempDir
    Path tmp;

    static Path shellDatabase(Path dir, String name, String sql) throws IOException, InterruptedException {
        Path db = dir.resolve(name);
        Process p = new ProcessBuilder("/usr/bin/sqlite3", db.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return db;
    }

    @Test
    void readsAShellCreatedDatabaseWithUriParameters() throws Exception {
        Path db = shellDatabase(
                tmp,
                "shell.db",
                "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT);"
                        + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                        + " INSERT INTO t SELECT i, i * 3, printf('row-%05d-ü', i) FROM n;"
                        + "CREATE INDEX t_a ON t(a);");
        TestVfs vfs = newVfs();
        String name = db.toString();
        vfs.mapDisk(name, db);
        vfs.uriKeys.addAll(List.of("asof", "mode", "missing"));
        SqliteConnection c = track(binding.open(
                "file:" + name + "?vfs=" + vfs.name() + "&asof=2026-11-21T00:00:00Z&mode=ro",
                SqliteCodes.OPEN_READONLY,
                null));
        assertThat(one(c, "SELECT count(*), sum(a) FROM t")).isEqualTo(20000L);
        assertThat(rows(c, "SELECT b FROM t WHERE a = 300")).isEqualTo(List.of(List.of("row-00100-ü")));
        assertThat(one(c, "PRAGMA integrity_check")).isEqualTo("ok");
        TestVfs.OpenRecord main = vfs.opens.get(0);
        assertThat(main.name()).isEqualTo(name);
        assertThat(main.flags() & SqliteCodes.OPEN_MAIN_DB).isNotZero();
        assertThat(main.uri()).containsEntry("asof", "2026-11-21T00:00:00Z").containsEntry("mode", "ro");
        assertThat(main.uri()).doesNotContainKey("missing");
        assertThatThrownBy(() -> vfs.lastUri.get("asof"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SqliteVfs.open");
        assertThatThrownBy(() -> c.exec("INSERT INTO t(a) VALUES (1)"))
                .satisfies(e -> assertThat(((SqliteException) e).primaryCode()).isEqualTo(SqliteCodes.READONLY));

        // The same rows through the unix VFS.
        SqliteConnection unix = track(binding.open(name, SqliteCodes.OPEN_READONLY, null));
        assertThat(rows(unix, "SELECT count(*), sum(a), sum(length(b)) FROM t"))
                .isEqualTo(rows(c, "SELECT count(*), sum(a), sum(length(b)) FROM t"));
        c.close();
        assertThat(vfs.openFiles).hasValue(0);
    }

    @Test
    void heapVfsWritesIndexesRollsBackAndVacuums() throws Exception {
        TestVfs vfs = newVfs();
        SqliteConnection c = open("file:heap.db?vfs=" + vfs.name(), null);
        c.exec("PRAGMA journal_mode=DELETE");
        c.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)");
        c.exec("BEGIN");
        try (SqliteStatement ins = c.prepare("INSERT INTO t(a, b) VALUES (?, ?)")) {
            for (int i = 0; i < 50_000; i++) {
                ins.bind(1, i % 1000);
                ins.bind(2, "value-" + i);
                assertThat(ins.step()).isFalse();
                ins.reset();
            }
        }
        c.exec("COMMIT");
        c.exec("PRAGMA temp_store = FILE; PRAGMA cache_size = 5"); // make the index sorter spill to temp files
        c.exec("CREATE INDEX t_a ON t(a)");
        c.exec("PRAGMA cache_size = -2000");
        assertThat(vfs.files).containsKey("heap.db");
        assertThat(one(c, "SELECT count(*) FROM t WHERE a = 7")).isEqualTo(50L);

        c.exec("BEGIN; DELETE FROM t WHERE id % 2 = 0; UPDATE t SET b = 'changed'");
        assertThat(vfs.files).containsKey("heap.db-journal");
        assertThat(one(c, "SELECT count(*) FROM t")).isEqualTo(25_000L);
        c.exec("ROLLBACK");
        assertThat(one(c, "SELECT count(*) FROM t WHERE b LIKE 'value-%'")).isEqualTo(50_000L);
        assertThat(vfs.files).doesNotContainKey("heap.db-journal");

        c.exec("DELETE FROM t WHERE id > 10000");
        long before = vfs.files.get("heap.db").size();
        c.exec("VACUUM");
        long after = vfs.files.get("heap.db").size();
        assertThat(after).isLessThan(before);
        assertThat(one(c, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(one(c, "SELECT count(*), sum(a) FROM t")).isEqualTo(10_000L);
        // Anonymous temp files (sorter, temp db) went through the VFS too.
        assertThat(vfs.opens).anyMatch(r -> r.name() == null);

        // A second connection sees the committed data.
        SqliteConnection c2 = open("file:heap.db?vfs=" + vfs.name(), null);
        assertThat(one(c2, "SELECT count(*) FROM t")).isEqualTo(10_000L);
    }

    @Test
    void pragmasThroughTheVfs() throws SqliteException {
        TestVfs vfs = newVfs();
        SqliteConnection c = open("file:p.db?vfs=" + vfs.name(), null);
        c.exec("CREATE TABLE t(x)");
        assertThat(one(c, "PRAGMA test_echo = 'hello ü'")).isEqualTo("echo:hello ü");
        assertThat(one(c, "PRAGMA test_echo")).isEqualTo("no value");
        assertThat(one(c, "PRAGMA main.test_echo(5)")).isEqualTo("echo:5");
        assertThat(rows(c, "PRAGMA test_empty")).isEmpty();
        assertThatThrownBy(() -> c.prepare("PRAGMA test_fail = 1"))
                .hasMessageContaining("test_fail says no to 1")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.ERROR));
        assertThatThrownBy(() -> c.prepare("PRAGMA test_crash"))
                .hasMessageContaining("test_crash blew up")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.ERROR));
        // Built-ins pass through.
        assertThat(one(c, "PRAGMA page_size")).isEqualTo(4096L);
        c.exec("PRAGMA user_version = 7");
        assertThat(one(c, "PRAGMA user_version")).isEqualTo(7L);
        // threads is pinned to 0.
        assertThatThrownBy(() -> c.exec("PRAGMA threads = 4"))
                .hasMessageContaining("threads")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.ERROR));
        assertThatThrownBy(() -> c.exec("PRAGMA threads = '2'")).hasMessageContaining("threads");
        TestVfs.PRAGMAS_SEEN.clear();
        c.exec("PRAGMA threads = 0");
        assertThat(TestVfs.PRAGMAS_SEEN).contains("threads=0"); // delegated after the check
        assertThat(one(c, "PRAGMA threads")).isEqualTo(0L);
        assertThat(TestVfs.PRAGMAS_SEEN).doesNotContain("threads=4", "threads=2");
        // The statement runs again after reset (SQLite re-prepares pragmas).
        try (SqliteStatement s = c.prepare("PRAGMA test_echo = 'again'")) {
            assertThat(s.step()).isTrue();
            assertThat(s.columnText(0)).isEqualTo("echo:again");
            s.reset();
            assertThat(s.step()).isTrue();
            assertThat(s.columnText(0)).isEqualTo("echo:again");
        }
    }

    private static void fill(SqliteConnection c, int rows) throws SqliteException {
        c.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, b TEXT)");
        c.exec("BEGIN");
        try (SqliteStatement ins = c.prepare("INSERT INTO t(b) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                ins.bind(1, "some text to fill pages " + i);
                ins.step();
                ins.reset();
            }
        }
        c.exec("COMMIT");
    }

    @Test
    void readFailureSurfacesAsIoerrReadWithTheJavaCause() throws SqliteException {
        TestVfs vfs = newVfs();
        SqliteConnection w = open("file:f.db?vfs=" + vfs.name(), null);
        fill(w, 5000);
        w.close();

        SqliteConnection c = open("file:f.db?vfs=" + vfs.name(), null);
        assertThat(one(c, "SELECT count(*) FROM sqlite_schema")).isEqualTo(1L);
        vfs.readFault = (name, offset) -> offset > 0 ? new IOException("boom: file " + name) : null;
        assertThatThrownBy(() -> one(c, "SELECT sum(length(b)) FROM t"))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("boom: file f.db")
                .satisfies(e -> {
                    SqliteException se = (SqliteException) e;
                    assertThat(se.code()).isEqualTo(SqliteCodes.IOERR_READ);
                    assertThat(se.getCause()).isNotNull();
                    assertThat(se.getCause()).hasRootCauseMessage("boom: file f.db");
                });
        vfs.readFault = null;
        assertThat(one(c, "SELECT count(*) FROM t")).isEqualTo(5000L);

        // A SqliteException chooses the code itself.
        vfs.readFault = (name, offset) -> offset > 0 ? new SqliteException(SqliteCodes.CORRUPT, "bad page") : null;
        c.exec("PRAGMA cache_size = 0"); // no page cache hit hides the fault
        SqliteConnection c2 = open("file:f.db?vfs=" + vfs.name(), null);
        assertThatThrownBy(() -> one(c2, "SELECT sum(length(b)) FROM t"))
                .hasMessageContaining("bad page")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.CORRUPT));
        // An Error too, without killing anything.
        vfs.readFault = (name, offset) -> offset > 0 ? new StackOverflowError("deep") : null;
        SqliteConnection c3 = open("file:f.db?vfs=" + vfs.name(), null);
        assertThatThrownBy(() -> one(c3, "SELECT sum(length(b)) FROM t"))
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.IOERR_READ))
                .hasCauseInstanceOf(StackOverflowError.class);
        vfs.readFault = null;
        assertThat(one(c3, "SELECT count(*) FROM t")).isEqualTo(5000L);
    }

    @Test
    void openFailureCarriesTheCause() throws SqliteException {
        TestVfs vfs = newVfs();
        assertThatThrownBy(() -> binding.open("file:missing.db?vfs=" + vfs.name(), SqliteCodes.OPEN_READONLY, null))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("no such heap file: missing.db")
                .satisfies(e -> assertThat(((SqliteException) e).primaryCode()).isEqualTo(SqliteCodes.CANTOPEN));
    }

    @Test
    void busyFromLockIsSqliteBusy() throws SqliteException {
        TestVfs vfs = newVfs();
        SqliteConnection c = open("file:b.db?vfs=" + vfs.name(), null);
        c.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
        vfs.lockFault = new SqliteException(SqliteCodes.BUSY, "held by another writer");
        assertThatThrownBy(() -> c.exec("INSERT INTO t VALUES (2)"))
                .hasMessageContaining("held by another writer")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.BUSY));
        vfs.lockFault = null;
        c.exec("INSERT INTO t VALUES (2)");
        assertThat(one(c, "SELECT count(*) FROM t")).isEqualTo(2L);
    }

    @Test
    void shortReadsAreZeroFilled() throws SqliteException {
        TestVfs vfs = newVfs();
        SqliteConnection w = open("file:s.db?vfs=" + vfs.name(), null);
        w.exec("CREATE TABLE t(b BLOB)");
        byte[] blob = new byte[5000];
        java.util.Arrays.fill(blob, (byte) 0x11);
        try (SqliteStatement s = w.prepare("INSERT INTO t VALUES (?)")) {
            s.bind(1, blob);
            s.step();
        }
        w.close();
        // Page 3 is the blob's overflow page, full of payload; cut the file in its middle.
        TestVfs.HeapData data = vfs.files.get("s.db");
        byte[] image = data.snapshot();
        assertThat(image.length).isEqualTo(3 * 4096);
        data.set(java.util.Arrays.copyOf(image, 2 * 4096 + 2048));
        vfs.garbageOnShortRead.add("s.db"); // the VFS dirties SQLite's buffer before reporting the short read

        SqliteConnection c = open("file:s.db?vfs=" + vfs.name(), null);
        byte[] read = (byte[]) one(c, "SELECT b FROM t");
        assertThat(read).hasSize(5000);
        assertThat(read[0]).isEqualTo((byte) 0x11);
        assertThat(read[4999]).isZero();
        assertThat(read).doesNotContain((byte) 0xAA);
        int firstZero = 0;
        while (read[firstZero] != 0) {
            firstZero++;
        }
        assertThat(firstZero).isBetween(2800, 3000); // 5003 - 2048 payload bytes survive, minus the local part
    }
}

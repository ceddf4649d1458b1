package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each callback turns a plain Java exception into its own SQLITE_IOERR_* code (jnr-vfs-notes.md §7.5). xUnlock and
 * xClose are mapped too (2058, 4106) but SQLite ignores their errors, so no statement can observe them.
 */
class FaultCodesTest extends BindingTestBase {

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource({
        // method, file it fails for, expected extended code, SQL that triggers it
        "write,    fc.db,         778,  INSERT INTO t VALUES (2)",
        "write,    fc.db-journal, 778,  INSERT INTO t VALUES (2)",
        "sync,     fc.db,         1034, INSERT INTO t VALUES (2)",
        "size,     fc.db,         1802, SELECT count(*) FROM t",
        "lock,     fc.db,         3850, SELECT count(*) FROM t",
        "checkReservedLock, fc.db, 3594, SELECT count(*) FROM t",
        "access,   fc.db-journal, 3338, SELECT count(*) FROM t",
        "delete,   fc.db-journal, 2570, INSERT INTO t VALUES (2)",
        "truncate, fc.db-journal, 1546, INSERT INTO t VALUES (2)",
        "open,     fc.db-journal, 14,   INSERT INTO t VALUES (2)",
    })
    void plainExceptionsMapToTheCallbacksCode(String method, String file, int code, String sql) throws Exception {
        TestVfs vfs = newVfs();
        SqliteConnection c = open("file:fc.db?vfs=" + vfs.name(), null);
        c.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
        if (method.equals("truncate")) {
            c.exec("PRAGMA journal_mode = TRUNCATE");
        }
        if (method.equals("checkReservedLock")) {
            // SQLite asks xCheckReservedLock when it finds a journal while acquiring SHARED (hot-journal check).
            vfs.files.put("fc.db-journal", new TestVfs.HeapData());
            vfs.files.get("fc.db-journal").set(new byte[512]);
        }
        vfs.failure = new IllegalStateException("injected " + method + " failure");
        vfs.failingFile = file;
        vfs.failing = method;
        try {
            assertThatThrownBy(() -> run(c, sql))
                    .isInstanceOf(SqliteException.class)
                    .satisfies(e -> assertThat(((SqliteException) e).code())
                            .as(e.getMessage())
                            .isEqualTo(code))
                    .hasMessageContaining("injected " + method + " failure")
                    .hasCauseReference(vfs.failure);
        } finally {
            vfs.failing = null;
        }
        vfs.files.remove("fc.db-journal");
        if (!c.autocommit()) {
            c.exec("ROLLBACK");
        }
        assertThat(one(c, "SELECT count(*) >= 1 FROM t")).isEqualTo(1L);
    }

    private static void run(SqliteConnection c, String sql) throws SqliteException {
        if (sql.startsWith("SELECT")) {
            one(c, sql);
        } else {
            c.exec(sql); // runs to completion, so commit-time failures surface
        }
    }
}

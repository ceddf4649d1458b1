package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** VFS callbacks that call SQLite on other connections, on the same thread, while the outer call is running. */
class ReentrancyTest extends BindingTestBase {

    private static void fill(SqliteConnection c, String table, int rows) throws SqliteException {
        c.exec("CREATE TABLE " + table + "(id INTEGER PRIMARY KEY, b TEXT)");
        c.exec("BEGIN");
        try (SqliteStatement ins = c.prepare("INSERT INTO " + table + "(b) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                ins.bind(1, table + "-" + i + "-padding-padding-padding");
                ins.step();
                ins.reset();
            }
        }
        c.exec("COMMIT");
    }

    @Test
    void readsInsideReadsKeepBothResultsAndErrorsApart() throws SqliteException {
        TestVfs outerVfs = newVfs();
        TestVfs innerVfs = newVfs();
        SqliteConnection w = open("file:outer.db?vfs=" + outerVfs.name(), null);
        fill(w, "o", 3000);
        w.close();
        SqliteConnection w2 = open("file:inner.db?vfs=" + innerVfs.name(), null);
        fill(w2, "i", 3000);
        w2.close();

        SqliteConnection inner = open("file:inner.db?vfs=" + innerVfs.name(), null);
        inner.exec("PRAGMA cache_size = 0");
        SqliteConnection outer = open("file:outer.db?vfs=" + outerVfs.name(), null);
        outer.exec("PRAGMA cache_size = 0");
        AtomicInteger nested = new AtomicInteger();
        // Every 10th outer page read runs a full query on the inner connection (its own xReads nest inside).
        outerVfs.readFault = (name, offset) -> {
            if (offset > 0 && nested.incrementAndGet() % 10 == 0) {
                try {
                    assertThat(one(inner, "SELECT count(*), sum(length(b)) FROM i"))
                            .isEqualTo(3000L);
                } catch (SqliteException e) {
                    return new IllegalStateException(e);
                }
            }
            return null;
        };
        for (int round = 0; round < 3; round++) {
            // "o-..." and "i-..." rows have the same lengths.
            assertThat(rows(outer, "SELECT count(*), sum(length(b)) FROM o"))
                    .isEqualTo(rows(inner, "SELECT count(*), sum(length(b)) FROM i"));
        }
        assertThat(nested.get()).isGreaterThan(10);

        // An error inside the nested call belongs to the inner connection; the outer read still succeeds.
        innerVfs.readFault = (name, offset) -> offset > 0 ? new IOException("inner boom") : null;
        outerVfs.readFault = (name, offset) -> {
            if (offset > 0 && nested.incrementAndGet() % 10 == 0) {
                assertThatThrownBy(() -> one(inner, "SELECT sum(length(b)) FROM i"))
                        .hasMessageContaining("inner boom")
                        .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.IOERR_READ));
            }
            return null;
        };
        assertThat(one(outer, "SELECT count(*) FROM o")).isEqualTo(3000L);
        innerVfs.readFault = null;
        outerVfs.readFault = null;
    }

    @Test
    void pragmaHandlerMayUseAnotherConnection() throws SqliteException {
        TestVfs vfs = newVfs();
        SqliteConnection other = open("file:other.db?vfs=" + vfs.name(), null);
        other.exec("CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT); INSERT INTO kv VALUES ('asof', '42')");
        SqliteConnection c = open("file:main.db?vfs=" + vfs.name(), null);
        c.exec("CREATE TABLE t(x)");
        TestVfs.PragmaHook hook = (pragma, value) -> "lookup".equalsIgnoreCase(pragma)
                ? String.valueOf(one(other, "SELECT v FROM kv WHERE k = ?", value))
                : null;
        TestVfs.pragmaHook = hook;
        try {
            assertThat(one(c, "PRAGMA lookup = 'asof'")).isEqualTo("42");
        } finally {
            TestVfs.pragmaHook = null;
        }
    }
}

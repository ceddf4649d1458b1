package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.sqlite.SqliteBindingProvider;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTest extends BindingTestBase {

    @Test
    void serviceLoaderFindsTheProvider() throws SqliteException {
        SqliteBindingProvider p = SqliteBindingProvider.find().orElseThrow();
        assertThat(p.name()).isEqualTo("jnr");
        assertThat(p.load(null)).isSameAs(binding);
        assertThat(binding.libraryVersion()).startsWith("3.");
    }

    @Test
    void explicitLibraryPathLoads() throws SqliteException {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libsqlite3.so.0");
        JnrSqliteBinding b = new JnrSqliteBindingProvider().load(lib);
        assertThat(b.libraryVersion()).isEqualTo(binding.libraryVersion());
        try (SqliteConnection c = b.open(":memory:", SqliteCodes.OPEN_READWRITE, null)) {
            assertThat(one(c, "SELECT 6*7")).isEqualTo(42L);
        }
    }

    @Test
    void missingLibraryIsCantOpenNamingThePath() {
        Path bad = Path.of("/nonexistent/libsqlite3-nope.so");
        assertThatThrownBy(() -> new JnrSqliteBindingProvider().load(bad))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("/nonexistent/libsqlite3-nope.so")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.CANTOPEN));
    }

    @Test
    void columnAndBindTypesRoundTrip() throws SqliteException {
        SqliteConnection c = open(":memory:", null);
        c.exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n)");
        byte[] blob = {0, 1, 2, (byte) 0xff, 0, 42};
        String unicode = "héllo wörld ✓ 日本語 \uD83D\uDE00 \u0000after-nul";
        try (SqliteStatement ins = c.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")) {
            assertThat(ins.parameterCount()).isEqualTo(5);
            assertThat(ins.isReadOnly()).isFalse();
            ins.bind(1, Long.MAX_VALUE);
            ins.bind(2, 3.25);
            ins.bind(3, unicode);
            ins.bind(4, blob);
            ins.bind(5, null);
            assertThat(ins.step()).isFalse();
            assertThat(c.changes()).isEqualTo(1);
            assertThat(c.lastInsertRowid()).isEqualTo(1);
            ins.reset();
            ins.bind(1, 7);
            ins.bind(2, 1.5f);
            ins.bind(3, "");
            ins.bind(4, new byte[0]);
            ins.bind(5, true);
            assertThat(ins.step()).isFalse();
            ins.reset();
            ins.clearBindings();
            ins.bind(1, (short) -3);
            ins.bind(5, (byte) 9);
            assertThat(ins.step()).isFalse();
            assertThat(c.lastInsertRowid()).isEqualTo(3);
        }
        try (SqliteStatement q = c.prepare("SELECT i, r, s, b, n FROM t ORDER BY rowid")) {
            assertThat(q.isReadOnly()).isTrue();
            assertThat(q.columnCount()).isEqualTo(5);
            assertThat(q.columnName(2)).isEqualTo("s");
            assertThat(q.step()).isTrue();
            assertThat(q.columnType(0)).isEqualTo(SqliteCodes.TYPE_INTEGER);
            assertThat(q.columnLong(0)).isEqualTo(Long.MAX_VALUE);
            assertThat(q.columnType(1)).isEqualTo(SqliteCodes.TYPE_FLOAT);
            assertThat(q.columnDouble(1)).isEqualTo(3.25);
            assertThat(q.columnType(2)).isEqualTo(SqliteCodes.TYPE_TEXT);
            assertThat(q.columnText(2)).isEqualTo(unicode);
            assertThat(q.columnType(3)).isEqualTo(SqliteCodes.TYPE_BLOB);
            assertThat(q.columnBlob(3)).isEqualTo(blob);
            assertThat(q.columnType(4)).isEqualTo(SqliteCodes.TYPE_NULL);
            assertThat(q.columnText(4)).isNull();
            assertThat(q.columnBlob(4)).isNull();
            assertThat(q.columnValue(4)).isNull();

            assertThat(q.step()).isTrue();
            assertThat(q.columnValue(0)).isEqualTo(7L);
            assertThat(q.columnValue(1)).isEqualTo(1.5);
            assertThat(q.columnValue(2)).isEqualTo("");
            assertThat(q.columnType(3)).isEqualTo(SqliteCodes.TYPE_BLOB);
            assertThat(q.columnValue(3)).isEqualTo(new byte[0]);
            assertThat(q.columnValue(4)).isEqualTo(1L);

            assertThat(q.step()).isTrue();
            assertThat(q.columnValue(0)).isEqualTo(-3L);
            assertThat(q.columnValue(1)).isNull();
            assertThat(q.columnValue(4)).isEqualTo(9L);
            assertThat(q.step()).isFalse();
        }
        assertThat(one(c, "SELECT length(?)", "日本")).isEqualTo(2L);
        assertThat(one(c, "SELECT ? || 'x'", unicode)).isEqualTo(unicode + "x");
    }

    @Test
    void errorsCarryCodesAndMessages() throws SqliteException {
        SqliteConnection c = open(":memory:", null);
        assertThatThrownBy(() -> c.prepare("SELEKT 1"))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("syntax error")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.ERROR));
        assertThatThrownBy(() -> c.prepare("SELECT * FROM nope")).hasMessageContaining("no such table: nope");
        c.exec("CREATE TABLE u(x UNIQUE)");
        c.exec("INSERT INTO u VALUES (1)");
        assertThatThrownBy(() -> c.exec("INSERT INTO u VALUES (1)"))
                .satisfies(e -> assertThat(((SqliteException) e).code())
                        .isEqualTo(SqliteCodes.CONSTRAINT | (8 << 8))); // SQLITE_CONSTRAINT_UNIQUE (extended)
        try (SqliteStatement s = c.prepare("SELECT ?")) {
            assertThatThrownBy(() -> s.bind(2, 1L))
                    .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.RANGE));
            assertThatThrownBy(() -> s.bind(1, new Object()))
                    .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.MISMATCH));
        }
        try (SqliteStatement s = c.prepare("INSERT INTO u VALUES (1)")) {
            assertThatThrownBy(s::step).isInstanceOf(SqliteException.class);
            s.reset(); // reports the step's error again: not thrown twice
        }
        assertThatThrownBy(() -> c.prepare("   -- only a comment"))
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.MISUSE));
    }

    @Test
    void autocommitAndTransactions() throws SqliteException {
        SqliteConnection c = open(":memory:", null);
        assertThat(c.autocommit()).isTrue();
        c.exec("BEGIN; CREATE TABLE t(x); INSERT INTO t VALUES (1),(2),(3);");
        assertThat(c.autocommit()).isFalse();
        assertThat(c.changes()).isEqualTo(3);
        c.exec("COMMIT");
        assertThat(c.autocommit()).isTrue();
        assertThat(rows(c, "SELECT x FROM t")).isEqualTo(List.of(List.of(1L), List.of(2L), List.of(3L)));
    }

    @Test
    void closeFinalizesOpenStatementsAndIsIdempotent() throws SqliteException {
        SqliteConnection c = binding.open(":memory:", SqliteCodes.OPEN_READWRITE, null);
        SqliteStatement s = c.prepare("SELECT 1 UNION ALL SELECT 2");
        assertThat(s.step()).isTrue();
        c.close();
        c.close();
        s.close(); // already finalized by the connection: a no-op, not a double free
        assertThatThrownBy(s::step).isInstanceOf(SqliteException.class);
        assertThatThrownBy(() -> c.prepare("SELECT 1"))
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.MISUSE));
        c.interrupt(); // harmless after close
    }

    @Test
    void badOpenFlagsAndMissingFiles() {
        assertThatThrownBy(() -> binding.open(":memory:", SqliteCodes.OPEN_CREATE, null))
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.MISUSE));
        assertThatThrownBy(() -> binding.open("/nonexistent-dir/x.db", SqliteCodes.OPEN_READONLY, null))
                .hasMessageContaining("/nonexistent-dir/x.db")
                .satisfies(e -> assertThat(((SqliteException) e).primaryCode()).isEqualTo(SqliteCodes.CANTOPEN));
        assertThatThrownBy(() -> binding.open("x.db", SqliteCodes.OPEN_READONLY, "no-such-vfs"))
                .hasMessageContaining("no such vfs");
    }

    @Test
    void interruptFromAnotherThread() throws Exception {
        SqliteConnection c = open(":memory:", null);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            c.interrupt();
        });
        long start = System.nanoTime();
        t.start();
        assertThatThrownBy(() -> one(
                        c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"))
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.INTERRUPT));
        t.join();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        assertThat(one(c, "SELECT 1")).isEqualTo(1L);
    }

    @Test
    void sqlFunctions() throws SqliteException {
        SqliteConnection c = open(":memory:", null);
        c.createFunction("java_types", -1, SqliteCodes.DETERMINISTIC, args -> {
            StringBuilder sb = new StringBuilder();
            for (Object a : args) {
                sb.append(a == null ? "null" : a.getClass().getSimpleName());
                if (a instanceof byte[] b) {
                    sb.append(Arrays.toString(b));
                } else if (a != null) {
                    sb.append('(').append(a).append(')');
                }
                sb.append(' ');
            }
            return sb.toString().trim();
        });
        assertThat(one(c, "SELECT java_types(1, 2.5, 'ü', x'0102', NULL, '', x'')"))
                .isEqualTo("Long(1) Double(2.5) String(ü) byte[][1, 2] null String() byte[][]");
        c.createFunction("java_result", 1, 0, args -> switch ((String) args[0]) {
            case "long" -> Long.MIN_VALUE;
            case "int" -> 42;
            case "bool" -> true;
            case "double" -> 0.125;
            case "float" -> 2.5f;
            case "text" -> "ünï ✓";
            case "blob" -> new byte[] {9, 8, 7};
            case "empty" -> new byte[0];
            case "null" -> null;
            case "weird" -> new Object();
            default -> throw new IllegalArgumentException("no result kind " + args[0]);
        });
        assertThat(one(c, "SELECT java_result('long')")).isEqualTo(Long.MIN_VALUE);
        assertThat(one(c, "SELECT java_result('int')")).isEqualTo(42L);
        assertThat(one(c, "SELECT java_result('bool')")).isEqualTo(1L);
        assertThat(one(c, "SELECT java_result('double')")).isEqualTo(0.125);
        assertThat(one(c, "SELECT java_result('float')")).isEqualTo(2.5);
        assertThat(one(c, "SELECT java_result('text')")).isEqualTo("ünï ✓");
        assertThat(one(c, "SELECT java_result('blob')")).isEqualTo(new byte[] {9, 8, 7});
        assertThat(one(c, "SELECT typeof(java_result('empty'))")).isEqualTo("blob");
        assertThat(one(c, "SELECT java_result('null')")).isNull();
        assertThatThrownBy(() -> one(c, "SELECT java_result('weird')"))
                .hasMessageContaining("unsupported SQL function result type");
        assertThatThrownBy(() -> one(c, "SELECT java_result('boom')"))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("no result kind boom")
                .satisfies(e -> assertThat(((SqliteException) e).code()).isEqualTo(SqliteCodes.ERROR));
        // Still usable, per row, many times.
        assertThat(one(
                        c,
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
                                + " SELECT sum(length(java_types(i))) FROM n"))
                .isNotNull();
        assertThatThrownBy(() -> c.createFunction("bad", 1000, 0, args -> null)).isInstanceOf(SqliteException.class);
        int before = binding.functionCount();
        c.close();
        assertThat(binding.functionCount())
                .as("xDestroy ran for both functions")
                .isEqualTo(before - 2);
    }
}

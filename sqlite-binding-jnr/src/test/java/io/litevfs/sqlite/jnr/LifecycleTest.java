package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LifecycleTest extends BindingTestBase {

    private static final String SERIES =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)";

    private static int gcRounds() {
        return 3;
    }

    private static void gc() {
        for (int i = 0; i < gcRounds(); i++) {
            List<byte[]> garbage = new ArrayList<>();
            for (int j = 0; j < 200; j++) {
                garbage.add(new byte[16 * 1024]);
            }
            garbage.clear();
            System.gc();
        }
    }

    /** Registers a VFS and a function whose only references are the binding's. */
    private static String registerAndForget(String name) throws SqliteException {
        binding.registerVfs(new TestVfs(name), false);
        return name;
    }

    @Test
    void survivesGarbageCollectionOfEverythingTheCallerDropped() throws Exception {
        String name = registerAndForget("gc-vfs");
        try {
            gc();
            SqliteConnection c =
                    binding.open("file:gc.db?vfs=" + name, SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null);
            c.createFunction("twice", 1, SqliteCodes.DETERMINISTIC, args -> (Long) args[0] * 2);
            gc();
            c.exec("CREATE TABLE t(x); INSERT INTO t " + SERIES + " SELECT i FROM n WHERE i <= 1000");
            for (int round = 0; round < 3; round++) {
                gc();
                assertThat(one(c, "SELECT sum(twice(x)) FROM t")).isEqualTo(1001000L);
            }
            c.close();
        } finally {
            binding.unregisterVfs(name);
        }
    }

    @Test
    void unregisterWhileOpenKeepsWorkingThenReRegister() throws SqliteException {
        TestVfs vfs = new TestVfs("lifecycle-vfs");
        binding.registerVfs(vfs, false);
        assertThatThrownBy(() -> binding.registerVfs(new TestVfs("lifecycle-vfs"), false))
                .isInstanceOf(SqliteException.class)
                .hasMessageContaining("already registered");
        SqliteConnection c =
                binding.open("file:l.db?vfs=lifecycle-vfs", SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null);
        c.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
        binding.unregisterVfs("lifecycle-vfs");
        binding.unregisterVfs("lifecycle-vfs"); // unknown now: ignored
        assertThat(binding.retiredVfsCount()).isEqualTo(1); // kept alive by the open connection
        c.exec("INSERT INTO t VALUES (2)");
        c.exec("BEGIN; INSERT INTO t VALUES (3); ROLLBACK");
        assertThat(one(c, "SELECT sum(x) FROM t")).isEqualTo(3L);
        assertThatThrownBy(() -> binding.open("file:l.db?vfs=lifecycle-vfs", SqliteCodes.OPEN_READWRITE, null))
                .hasMessageContaining("no such vfs");
        c.close();
        assertThat(binding.retiredVfsCount()).isZero(); // freed once nothing uses it

        binding.registerVfs(vfs, false);
        try {
            SqliteConnection c2 = binding.open("file:l.db?vfs=lifecycle-vfs", SqliteCodes.OPEN_READWRITE, null);
            assertThat(one(c2, "SELECT sum(x) FROM t")).isEqualTo(3L);
            c2.close();
        } finally {
            binding.unregisterVfs("lifecycle-vfs");
        }
    }

    @Test
    void defaultVfsServesPlainNames() throws SqliteException {
        TestVfs vfs = new TestVfs("default-vfs");
        binding.registerVfs(vfs, true);
        try {
            SqliteConnection c = binding.open("plain.db", SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, null);
            c.exec("CREATE TABLE t(x)");
            assertThat(one(c, "SELECT julianday('now') > 2460000")).isEqualTo(1L); // xCurrentTimeInt64
            assertThat(one(c, "SELECT length(randomblob(16))")).isEqualTo(16L);
            c.close();
            assertThat(vfs.files).containsKey("plain.db");
        } finally {
            binding.unregisterVfs("default-vfs");
        }
        SqliteConnection mem = binding.open(":memory:", SqliteCodes.OPEN_READWRITE, null);
        assertThat(one(mem, "SELECT 1")).isEqualTo(1L);
        mem.close();
    }

    @Test
    void twoConnectionsOnTwoThreads() throws Exception {
        TestVfs vfs = newVfs();
        SqliteConnection w = open("file:mt.db?vfs=" + vfs.name(), null);
        w.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER)");
        w.exec("INSERT INTO t(a) " + SERIES + " SELECT i FROM n WHERE i <= 20000");
        w.close();
        vfs.recordThreads = true;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "sqlite-worker"));
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Callable<Long> task = () -> {
                    long total = 0;
                    try (SqliteConnection c =
                            binding.open("file:mt.db?vfs=" + vfs.name(), SqliteCodes.OPEN_READONLY, null)) {
                        c.exec("PRAGMA cache_size = 2");
                        for (int i = 0; i < 20; i++) {
                            try (SqliteStatement s = c.prepare("SELECT sum(a) FROM t")) {
                                s.step();
                                total += s.columnLong(0);
                            }
                        }
                    }
                    return total;
                };
                results.add(pool.submit(task));
            }
            for (Future<Long> f : results) {
                assertThat(f.get()).isEqualTo(20 * 200010000L);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(vfs.callbackThreads).allMatch(t -> t.getName().equals("sqlite-worker"));
    }
}

package io.litevfs.sqlite.jnr;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

abstract class BindingTestBase {

    private static final AtomicInteger VFS_IDS = new AtomicInteger();

    static JnrSqliteBinding binding;

    private final List<String> registered = new ArrayList<>();
    private final List<SqliteConnection> connections = new ArrayList<>();

    @BeforeAll
    static void loadBinding() throws SqliteException {
        binding = new JnrSqliteBindingProvider().load(null);
    }

    @AfterEach
    void closeAndCheckLeaks() throws SqliteException {
        for (SqliteConnection c : connections) {
            c.close();
        }
        for (String name : registered) {
            binding.unregisterVfs(name);
        }
        assertThat(binding.openFileCount()).as("files left open").isZero();
        assertThat(binding.retiredVfsCount())
                .as("unregistered VFSs still alive")
                .isZero();
    }

    /** Registers a fresh TestVfs under a unique name, unregistered after the test. */
    TestVfs newVfs() throws SqliteException {
        TestVfs vfs = new TestVfs("testvfs" + VFS_IDS.incrementAndGet());
        binding.registerVfs(vfs, false);
        registered.add(vfs.name());
        return vfs;
    }

    /** Opens a connection closed after the test. */
    SqliteConnection open(String filename, @Nullable String vfs) throws SqliteException {
        return track(binding.open(filename, SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE, vfs));
    }

    SqliteConnection track(SqliteConnection c) {
        connections.add(c);
        return c;
    }

    static @Nullable Object one(SqliteConnection c, String sql, Object... args) throws SqliteException {
        try (SqliteStatement s = c.prepare(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.bind(i + 1, args[i]);
            }
            assertThat(s.step()).as("a row from " + sql).isTrue();
            return s.columnValue(0);
        }
    }

    static List<List<@Nullable Object>> rows(SqliteConnection c, String sql) throws SqliteException {
        List<List<@Nullable Object>> out = new ArrayList<>();
        try (SqliteStatement s = c.prepare(sql)) {
            while (s.step()) {
                List<@Nullable Object> row = new ArrayList<>();
                for (int i = 0; i < s.columnCount(); i++) {
                    row.add(s.columnValue(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}

package io.litevfs.sqlite.jnr.internal;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import org.jspecify.annotations.Nullable;

/** A prepared statement ({@code sqlite3_stmt*}). Not thread-safe. */
final class JnrStatement implements SqliteStatement {

    private final JnrConnection conn;
    private final LibSqlite lib;
    private final String sql;
    private long stmt;
    /** Whether the last step failed: reset() then reports that error again, which is not news. */
    private boolean stepFailed;

    JnrStatement(JnrConnection conn, long stmt, String sql) {
        this.conn = conn;
        this.lib = conn.lib;
        this.stmt = stmt;
        this.sql = sql;
    }

    private long handle() throws SqliteException {
        long h = stmt;
        if (h == 0) {
            throw new SqliteException(SqliteCodes.MISUSE, "statement is closed: " + sql);
        }
        return h;
    }

    private long live() {
        long h = stmt;
        if (h == 0) {
            throw new IllegalStateException("statement is closed: " + sql);
        }
        return h;
    }

    @Override
    public String sql() {
        return sql;
    }

    @Override
    public int parameterCount() {
        return lib.sqlite3_bind_parameter_count(live());
    }

    @Override
    public void bind(int index, @Nullable Object value) throws SqliteException {
        long h = handle();
        int rc;
        if (value == null) {
            rc = lib.sqlite3_bind_null(h, index);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            rc = lib.sqlite3_bind_int64(h, index, ((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            rc = lib.sqlite3_bind_int64(h, index, b ? 1 : 0);
        } else if (value instanceof Double || value instanceof Float) {
            rc = lib.sqlite3_bind_double(h, index, ((Number) value).doubleValue());
        } else if (value instanceof String s) {
            byte[] z = Mem.cstr(s); // never empty, so never a NULL pointer (which would bind NULL)
            rc = lib.sqlite3_bind_text(h, index, z, z.length - 1, LibSqlite.SQLITE_TRANSIENT);
        } else if (value instanceof byte[] b) {
            rc = b.length == 0
                    ? lib.sqlite3_bind_zeroblob(h, index, 0)
                    : lib.sqlite3_bind_blob(h, index, b, b.length, LibSqlite.SQLITE_TRANSIENT);
        } else {
            throw new SqliteException(
                    SqliteCodes.MISMATCH,
                    "cannot bind a " + value.getClass().getName() + " to parameter " + index + " of: " + sql);
        }
        if (rc != SqliteCodes.OK) {
            throw conn.error(rc, "bind parameter " + index);
        }
    }

    @Override
    public void clearBindings() throws SqliteException {
        int rc = lib.sqlite3_clear_bindings(handle());
        if (rc != SqliteCodes.OK) {
            throw conn.error(rc, null);
        }
    }

    @Override
    public boolean step() throws SqliteException {
        long h = handle();
        JnrConnection prev = conn.enter();
        int rc;
        try {
            rc = lib.sqlite3_step(h);
        } finally {
            JnrConnection.exit(prev);
        }
        if (rc == SqliteCodes.ROW) {
            return true;
        }
        if (rc == SqliteCodes.DONE) {
            stepFailed = false;
            return false;
        }
        stepFailed = true;
        throw conn.error(rc, null);
    }

    @Override
    public void reset() throws SqliteException {
        long h = handle();
        JnrConnection prev = conn.enter();
        int rc;
        try {
            rc = lib.sqlite3_reset(h);
        } finally {
            JnrConnection.exit(prev);
        }
        boolean repeat = stepFailed;
        stepFailed = false;
        if (rc != SqliteCodes.OK && !repeat) {
            throw conn.error(rc, null);
        }
    }

    @Override
    public int columnCount() {
        return lib.sqlite3_column_count(live());
    }

    @Override
    public String columnName(int column) {
        String n = Mem.string(lib.sqlite3_column_name(live(), column));
        if (n == null) {
            throw new IndexOutOfBoundsException("column " + column + " of: " + sql);
        }
        return n;
    }

    @Override
    public int columnType(int column) {
        return lib.sqlite3_column_type(live(), column);
    }

    @Override
    public long columnLong(int column) {
        return lib.sqlite3_column_int64(live(), column);
    }

    @Override
    public double columnDouble(int column) {
        return lib.sqlite3_column_double(live(), column);
    }

    @Override
    public @Nullable String columnText(int column) {
        long h = live();
        long p = lib.sqlite3_column_text(h, column);
        if (p == 0) {
            return null;
        }
        return Mem.string(p, lib.sqlite3_column_bytes(h, column));
    }

    @Override
    public byte @Nullable [] columnBlob(int column) {
        long h = live();
        long p = lib.sqlite3_column_blob(h, column);
        int n = lib.sqlite3_column_bytes(h, column);
        if (p == 0) {
            return lib.sqlite3_column_type(h, column) == SqliteCodes.TYPE_NULL ? null : new byte[0];
        }
        return Mem.bytes(p, n);
    }

    @Override
    public boolean isReadOnly() {
        return lib.sqlite3_stmt_readonly(live()) != 0;
    }

    @Override
    public void close() {
        if (stmt != 0) {
            conn.forget(this);
            finalizeHandle();
        }
    }

    /** Finalizes the native statement (also called by the connection's close). */
    void finalizeHandle() {
        long h = stmt;
        if (h == 0) {
            return;
        }
        stmt = 0;
        JnrConnection prev = conn.enter();
        try {
            lib.sqlite3_finalize(h);
        } finally {
            JnrConnection.exit(prev);
        }
    }

    @Override
    public String toString() {
        return "JnrStatement[" + sql + (stmt == 0 ? ", closed]" : "]");
    }
}

package io.litevfs.sqlite.jnr.internal;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A connection ({@code sqlite3*}). Used by one thread at a time; {@link #interrupt()} may come from any thread.
 *
 * <p>Every C call that can reach the VFS runs inside {@link #enter()}/{@link #exit}: this makes the connection the
 * thread's current one (so files opened during the call belong to it) and clears the VFS error slot. When SQLite then
 * reports an error, the first throwable a VFS callback recorded during that call becomes the cause of the {@link
 * SqliteException}.
 */
final class JnrConnection implements SqliteConnection {

    private static final byte[] MAIN = Mem.cstr("main");
    private static final int FCNTL_VFS_POINTER = 27;

    final NativeSqlite sqlite;
    final LibSqlite lib;
    private final String filename;

    /** Guards {@link #db} against interrupt() racing with close(), and the statement set. */
    private final Object closeLock = new Object();

    private volatile long db;
    private final Set<JnrStatement> statements = new LinkedHashSet<>();
    private @Nullable VfsEntry vfsEntry;
    private @Nullable Throwable vfsError;

    private JnrConnection(NativeSqlite sqlite, String filename) {
        this.sqlite = sqlite;
        this.lib = sqlite.lib;
        this.filename = filename;
    }

    static JnrConnection open(NativeSqlite sqlite, String filename, int flags, @Nullable String vfsName)
            throws SqliteException {
        int access = flags & (SqliteCodes.OPEN_READONLY | SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE);
        if (access != SqliteCodes.OPEN_READONLY
                && access != SqliteCodes.OPEN_READWRITE
                && access != (SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE)) {
            throw new SqliteException(
                    SqliteCodes.MISUSE, "open flags need OPEN_READONLY, OPEN_READWRITE or OPEN_READWRITE|OPEN_CREATE");
        }
        JnrConnection c = new JnrConnection(sqlite, filename);
        long[] out = new long[1];
        int all = flags | SqliteCodes.OPEN_URI | SqliteCodes.OPEN_EXRESCODE;
        sqlite.vfs.openStarted();
        try {
            JnrConnection prev = c.enter();
            int rc;
            try {
                rc = c.lib.sqlite3_open_v2(Mem.cstr(filename), out, all, Mem.cstrOrNull(vfsName));
            } finally {
                exit(prev);
            }
            c.db = out[0];
            if (rc != SqliteCodes.OK) {
                SqliteException e = c.db == 0
                        ? new SqliteException(rc, "cannot open " + filename + ": " + sqlite.errstr(rc))
                        : c.error(rc, "cannot open " + filename);
                c.closeHandle();
                throw e;
            }
            c.lib.sqlite3_extended_result_codes(c.db, 1);
            long[] pVfs = new long[1];
            if (c.lib.sqlite3_file_control(c.db, MAIN, FCNTL_VFS_POINTER, pVfs) == SqliteCodes.OK && pVfs[0] != 0) {
                c.vfsEntry = sqlite.vfs.acquireByStruct(pVfs[0]);
            }
            return c;
        } finally {
            sqlite.vfs.openFinished();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Call context and errors.

    /** Makes this the thread's current connection for a C call; returns the previous one for {@link #exit}. */
    @Nullable
    JnrConnection enter() {
        CallContext ctx = CallContext.get();
        JnrConnection prev = ctx.connection;
        ctx.connection = this;
        vfsError = null;
        return prev;
    }

    static void exit(@Nullable JnrConnection prev) {
        CallContext.get().connection = prev;
    }

    /** Called by VFS callbacks (on this connection's calling thread): keeps the first throwable of the call. */
    void recordVfsError(Throwable t) {
        if (vfsError == null) {
            vfsError = t;
        }
    }

    @Nullable
    Throwable peekVfsError() {
        return vfsError;
    }

    long handle() throws SqliteException {
        long h = db;
        if (h == 0) {
            throw new SqliteException(SqliteCodes.MISUSE, "connection to " + filename + " is closed");
        }
        return h;
    }

    /** Builds the exception for a failed call: extended code, SQLite's message, the VFS's Java cause. */
    SqliteException error(int rc, @Nullable String context) {
        long h = db;
        int code = rc;
        String msg = null;
        if (h != 0) {
            int ext = lib.sqlite3_extended_errcode(h);
            if (SqliteCodes.primary(ext) == SqliteCodes.primary(rc)) {
                code = ext;
            }
            msg = Mem.string(lib.sqlite3_errmsg(h));
        }
        if (msg == null) {
            msg = sqlite.errstr(rc);
        }
        Throwable cause = vfsError;
        vfsError = null;
        StringBuilder sb = new StringBuilder();
        if (context != null) {
            sb.append(context).append(": ");
        }
        sb.append(msg);
        if (cause != null) {
            String cm = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            if (!msg.contains(cm)) {
                sb.append(" (").append(cm).append(')');
            }
        }
        return new SqliteException(code, sb.toString(), cause);
    }

    // ------------------------------------------------------------------------------------------------------------
    // SqliteConnection.

    @Override
    public SqliteStatement prepare(String sql) throws SqliteException {
        long h = handle();
        byte[] z = Mem.cstr(sql);
        long[] out = new long[1];
        JnrConnection prev = enter();
        int rc;
        try {
            rc = lib.sqlite3_prepare_v2(h, z, z.length, out, 0L);
        } finally {
            exit(prev);
        }
        if (rc != SqliteCodes.OK) {
            if (out[0] != 0) {
                lib.sqlite3_finalize(out[0]);
            }
            throw error(rc, null);
        }
        if (out[0] == 0) {
            throw new SqliteException(SqliteCodes.MISUSE, "no SQL statement in: " + sql);
        }
        JnrStatement s = new JnrStatement(this, out[0], sql);
        synchronized (closeLock) {
            statements.add(s);
        }
        return s;
    }

    void forget(JnrStatement s) {
        synchronized (closeLock) {
            statements.remove(s);
        }
    }

    @Override
    public void exec(String sql) throws SqliteException {
        long h = handle();
        JnrConnection prev = enter();
        int rc;
        try {
            rc = lib.sqlite3_exec(h, Mem.cstr(sql), 0L, 0L, 0L);
        } finally {
            exit(prev);
        }
        if (rc != SqliteCodes.OK) {
            throw error(rc, null);
        }
    }

    @Override
    public void interrupt() {
        synchronized (closeLock) {
            long h = db;
            if (h != 0) {
                lib.sqlite3_interrupt(h);
            }
        }
    }

    @Override
    public long changes() {
        long h = db;
        return h == 0 ? 0 : sqlite.changes(h);
    }

    @Override
    public long lastInsertRowid() {
        long h = db;
        return h == 0 ? 0 : lib.sqlite3_last_insert_rowid(h);
    }

    @Override
    public boolean autocommit() {
        long h = db;
        return h == 0 || lib.sqlite3_get_autocommit(h) != 0;
    }

    @Override
    public void createFunction(String name, int nArgs, int flags, SqlFunction function) throws SqliteException {
        long h = handle();
        long app = sqlite.functions.add(function);
        int textRep = SqliteCodes.UTF8 | (flags & ~0x7);
        JnrConnection prev = enter();
        int rc;
        try {
            rc = lib.sqlite3_create_function_v2(
                    h,
                    Mem.cstr(name),
                    nArgs,
                    textRep,
                    app,
                    sqlite.functions.xFuncPointer(),
                    0L,
                    0L,
                    sqlite.functions.xDestroyPointer());
        } finally {
            exit(prev);
        }
        if (rc != SqliteCodes.OK) {
            sqlite.functions.remove(app); // SQLite also calls xDestroy on failure; removing twice is harmless.
            throw error(rc, "cannot create function " + name);
        }
    }

    @Override
    public void close() throws SqliteException {
        int rc;
        synchronized (closeLock) {
            if (db == 0) {
                return;
            }
            List<JnrStatement> open = new ArrayList<>(statements);
            statements.clear();
            for (JnrStatement s : open) {
                s.finalizeHandle();
            }
            rc = closeHandle();
        }
        if (rc != SqliteCodes.OK) {
            throw new SqliteException(rc, "closing " + filename + ": " + sqlite.errstr(rc));
        }
    }

    /** Closes the native handle (statements must be finalized already) and releases the VFS. */
    private int closeHandle() {
        long h = db;
        if (h == 0) {
            return SqliteCodes.OK;
        }
        int rc;
        JnrConnection prev = enter();
        try {
            synchronized (closeLock) {
                db = 0;
            }
            rc = lib.sqlite3_close_v2(h);
        } finally {
            exit(prev);
            VfsEntry e = vfsEntry;
            vfsEntry = null;
            if (e != null) {
                sqlite.vfs.release(e);
            }
        }
        return rc;
    }

    @Override
    public String toString() {
        return "JnrConnection[" + filename + (db == 0 ? ", closed]" : "]");
    }
}

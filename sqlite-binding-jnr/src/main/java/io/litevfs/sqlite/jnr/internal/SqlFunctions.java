package io.litevfs.sqlite.jnr.internal;

import static io.litevfs.sqlite.jnr.internal.Mem.IO;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection.SqlFunction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import jnr.ffi.provider.ClosureManager;
import org.jspecify.annotations.Nullable;

/**
 * Scalar SQL functions: one shared xFunc and one shared xDestroy stub for every function; each registration gets an
 * integer handle passed as pApp ({@code sqlite3_user_data}) that maps to the Java function in a strong registry until
 * SQLite calls xDestroy (replacement, connection close, or a failed registration).
 */
final class SqlFunctions {

    private final LibSqlite lib;
    private final Map<Long, SqlFunction> functions = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    private final Callbacks.XFunc xFunc = this::xFunc;
    private final Callbacks.XDestroy xDestroy = this::xDestroy;
    private final Pointer xFuncStub;
    private final Pointer xDestroyStub;

    SqlFunctions(LibSqlite lib, ClosureManager closures) {
        this.lib = lib;
        this.xFuncStub = closures.getClosurePointer(Callbacks.XFunc.class, xFunc);
        this.xDestroyStub = closures.getClosurePointer(Callbacks.XDestroy.class, xDestroy);
    }

    long xFuncPointer() {
        return xFuncStub.address();
    }

    long xDestroyPointer() {
        return xDestroyStub.address();
    }

    long add(SqlFunction function) {
        long h = nextHandle.getAndIncrement();
        functions.put(h, function);
        return h;
    }

    void remove(long handle) {
        functions.remove(handle);
    }

    int count() {
        return functions.size();
    }

    private void xDestroy(long pApp) {
        try {
            functions.remove(pApp);
        } catch (Throwable ignored) {
            // Nothing to report to.
        }
    }

    private void xFunc(long ctx, int argc, long argv) {
        try {
            SqlFunction fn = functions.get(lib.sqlite3_user_data(ctx));
            if (fn == null) {
                error(ctx, "litevfs: SQL function is no longer registered");
                return;
            }
            Object[] args = new Object[argc];
            for (int i = 0; i < argc; i++) {
                args[i] = value(IO.getAddress(argv + 8L * i));
            }
            result(ctx, fn.apply(args));
        } catch (OutOfMemoryError e) {
            try {
                lib.sqlite3_result_error_nomem(ctx);
            } catch (Throwable ignored) {
                // Nothing more to do.
            }
        } catch (Throwable t) {
            try {
                error(ctx, t.getMessage() != null ? t.getMessage() : t.toString());
            } catch (Throwable ignored) {
                // Nothing more to do.
            }
        }
    }

    private @Nullable Object value(long v) {
        switch (lib.sqlite3_value_type(v)) {
            case SqliteCodes.TYPE_INTEGER:
                return lib.sqlite3_value_int64(v);
            case SqliteCodes.TYPE_FLOAT:
                return lib.sqlite3_value_double(v);
            case SqliteCodes.TYPE_TEXT: {
                long p = lib.sqlite3_value_text(v);
                int n = lib.sqlite3_value_bytes(v);
                return p == 0 ? "" : Mem.string(p, n);
            }
            case SqliteCodes.TYPE_BLOB: {
                long p = lib.sqlite3_value_blob(v);
                int n = lib.sqlite3_value_bytes(v);
                return p == 0 ? new byte[0] : Mem.bytes(p, n);
            }
            default:
                return null;
        }
    }

    private void result(long ctx, @Nullable Object r) {
        if (r == null) {
            lib.sqlite3_result_null(ctx);
        } else if (r instanceof Long || r instanceof Integer || r instanceof Short || r instanceof Byte) {
            lib.sqlite3_result_int64(ctx, ((Number) r).longValue());
        } else if (r instanceof Boolean b) {
            lib.sqlite3_result_int64(ctx, b ? 1 : 0);
        } else if (r instanceof Double || r instanceof Float) {
            lib.sqlite3_result_double(ctx, ((Number) r).doubleValue());
        } else if (r instanceof String s) {
            byte[] z = Mem.cstr(s);
            lib.sqlite3_result_text(ctx, z, z.length - 1, LibSqlite.SQLITE_TRANSIENT);
        } else if (r instanceof byte[] b) {
            if (b.length == 0) {
                lib.sqlite3_result_zeroblob(ctx, 0);
            } else {
                lib.sqlite3_result_blob(ctx, b, b.length, LibSqlite.SQLITE_TRANSIENT);
            }
        } else {
            error(
                    ctx,
                    "litevfs: unsupported SQL function result type "
                            + r.getClass().getName());
        }
    }

    private void error(long ctx, String message) {
        lib.sqlite3_result_error(ctx, Mem.cstr(message), -1);
    }
}

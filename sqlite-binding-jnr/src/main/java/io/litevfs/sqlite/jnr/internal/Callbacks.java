package io.litevfs.sqlite.jnr.internal;

import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.LongLong;
import jnr.ffi.types.intptr_t;

/**
 * The C function-pointer types the binding implements in Java, as jnr-ffi {@code @Delegate} interfaces.
 *
 * <p>Pointers are {@code @intptr_t long} and {@code sqlite3_int64} is {@code @LongLong long}, so an upcall carries
 * primitives only. jnr-ffi holds the Java object behind a native stub weakly: every instance must stay strongly
 * reachable for as long as SQLite may call the stub (see {@link VfsBridge} and {@link SqlFunctions}).
 *
 * <p>An exception escaping an implementation is NOT turned into an error by jnr-ffi: the native caller sees 0
 * ({@code SQLITE_OK}). Every implementation therefore catches {@link Throwable}.
 */
public final class Callbacks {

    private Callbacks() {}

    /** {@code xOpen}. */
    public interface XOpen {
        @Delegate
        int call(@intptr_t long vfs, @intptr_t long zName, @intptr_t long file, int flags, @intptr_t long pOutFlags);
    }

    /** {@code xDelete}. */
    public interface XDelete {
        @Delegate
        int call(@intptr_t long vfs, @intptr_t long zName, int syncDir);
    }

    /** {@code xAccess}. */
    public interface XAccess {
        @Delegate
        int call(@intptr_t long vfs, @intptr_t long zName, int flags, @intptr_t long pResOut);
    }

    /** {@code xFullPathname}. */
    public interface XFullPathname {
        @Delegate
        int call(@intptr_t long vfs, @intptr_t long zName, int nOut, @intptr_t long zOut);
    }

    /** {@code xRandomness}, {@code xGetLastError}: (vfs, int, char*). */
    public interface VfsIntPtr {
        @Delegate
        int call(@intptr_t long vfs, int n, @intptr_t long buf);
    }

    /** {@code xSleep}. */
    public interface XSleep {
        @Delegate
        int call(@intptr_t long vfs, int microseconds);
    }

    /** {@code xCurrentTime}, {@code xCurrentTimeInt64}: (vfs, out*). */
    public interface VfsPtr {
        @Delegate
        int call(@intptr_t long vfs, @intptr_t long out);
    }

    /** {@code xClose}, {@code xSectorSize}, {@code xDeviceCharacteristics}: (file). */
    public interface FileOnly {
        @Delegate
        int call(@intptr_t long file);
    }

    /** {@code xRead}, {@code xWrite}. */
    public interface FileReadWrite {
        @Delegate
        int call(@intptr_t long file, @intptr_t long buf, int amount, @LongLong long offset);
    }

    /** {@code xTruncate}. */
    public interface FileLong {
        @Delegate
        int call(@intptr_t long file, @LongLong long size);
    }

    /** {@code xSync}, {@code xLock}, {@code xUnlock}: (file, int). */
    public interface FileInt {
        @Delegate
        int call(@intptr_t long file, int value);
    }

    /** {@code xFileSize}, {@code xCheckReservedLock}: (file, out*). */
    public interface FilePtr {
        @Delegate
        int call(@intptr_t long file, @intptr_t long out);
    }

    /** {@code xFileControl}. */
    public interface XFileControl {
        @Delegate
        int call(@intptr_t long file, int op, @intptr_t long pArg);
    }

    /** A scalar function's {@code xFunc}. */
    public interface XFunc {
        @Delegate
        void call(@intptr_t long ctx, int argc, @intptr_t long argv);
    }

    /** {@code xDestroy} of {@code sqlite3_create_function_v2}. */
    public interface XDestroy {
        @Delegate
        void call(@intptr_t long pApp);
    }
}

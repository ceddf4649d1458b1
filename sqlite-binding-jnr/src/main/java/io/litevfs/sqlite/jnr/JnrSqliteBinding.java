package io.litevfs.sqlite.jnr;

import io.litevfs.sqlite.SqliteBinding;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteVfs;
import io.litevfs.sqlite.jnr.internal.NativeSqlite;
import org.jspecify.annotations.Nullable;

/**
 * {@link SqliteBinding} over jnr-ffi. One instance per loaded library per process (see {@link
 * JnrSqliteBindingProvider}); it and every native structure and callback it creates stay reachable for the life of
 * the process, so SQLite can never call a collected callback.
 *
 * <p><b>Threads.</b> The binding never starts threads. SQLite calls the VFS on the thread that called SQLite, so run
 * SQLite on <em>platform</em> threads: a virtual thread stays pinned while blocked inside a VFS callback (a native
 * frame is on its stack), and an event-loop thread (Netty, Reactor's parallel scheduler) must never block in xRead.
 * {@code PRAGMA threads} is pinned to 0 by the VFS (any other value is refused with an error), because SQLite's helper
 * threads would call the Java VFS from native threads that the JVM attaches and detaches on every call.
 */
public final class JnrSqliteBinding implements SqliteBinding {

    private final NativeSqlite sqlite;

    JnrSqliteBinding(NativeSqlite sqlite) {
        this.sqlite = sqlite;
    }

    /** Returns the library path or soname this binding loaded. */
    public String library() {
        return sqlite.library();
    }

    @Override
    public String libraryVersion() {
        return sqlite.libraryVersion();
    }

    @Override
    public void registerVfs(SqliteVfs vfs, boolean makeDefault) throws SqliteException {
        sqlite.registerVfs(vfs, makeDefault);
    }

    @Override
    public void unregisterVfs(String name) throws SqliteException {
        sqlite.unregisterVfs(name);
    }

    @Override
    public SqliteConnection open(String filename, int flags, @Nullable String vfs) throws SqliteException {
        return sqlite.open(filename, flags, vfs);
    }

    /** Returns the number of files currently open through VFSs registered with this binding (for leak checks). */
    public int openFileCount() {
        return sqlite.openFileCount();
    }

    /** Returns the number of SQL functions SQLite has not destroyed yet (for leak checks). */
    public int functionCount() {
        return sqlite.functionCount();
    }

    /** Returns the number of unregistered VFSs whose native memory is kept because a file or connection uses it. */
    public int retiredVfsCount() {
        return sqlite.retiredVfsCount();
    }

    @Override
    public String toString() {
        return "JnrSqliteBinding[" + library() + ", SQLite " + libraryVersion() + "]";
    }
}

package io.litevfs.sqlite;

/**
 * A loaded SQLite library: opens connections and registers VFSs. Thread-safe.
 *
 * <p>Connections are opened with {@code SQLITE_OPEN_URI} and {@code SQLITE_OPEN_EXRESCODE} always set, extended
 * result codes on, and {@code PRAGMA threads} pinned to 0 on databases served by a registered {@link SqliteVfs}
 * (SQLite's helper threads would call VFS callbacks from threads the JVM has to attach on every call).
 *
 * <p>SQLite calls the VFS on the thread that called SQLite: use platform threads (a virtual thread stays pinned while
 * a VFS callback blocks) and never an event loop.
 */
public interface SqliteBinding {

    /** Returns {@code sqlite3_libversion()}, e.g. {@code 3.40.1}. */
    String libraryVersion();

    /**
     * Registers a VFS under {@link SqliteVfs#name()}. The binding keeps the VFS and every native structure and
     * callback strongly reachable until {@link #unregisterVfs} and until the last file it opened is closed.
     *
     * @param makeDefault whether plain file names (without {@code vfs=}) use it
     * @throws SqliteException if a VFS with that name is already registered by this binding
     */
    void registerVfs(SqliteVfs vfs, boolean makeDefault) throws SqliteException;

    /** Unregisters a VFS; connections already open on it keep working. Unknown names are ignored. */
    void unregisterVfs(String name) throws SqliteException;

    /**
     * Opens a connection ({@code sqlite3_open_v2}).
     *
     * @param filename a file name or a {@code file:} URI
     * @param flags {@link SqliteCodes#OPEN_READONLY} or {@link SqliteCodes#OPEN_READWRITE} (| {@link
     *     SqliteCodes#OPEN_CREATE}); URI and extended-code flags are added by the binding
     * @param vfs a VFS name, or {@code null} for the one the URI or the default names
     * @return the connection
     * @throws SqliteException with SQLite's code and message (and the VFS's Java cause, if it recorded one)
     */
    SqliteConnection open(String filename, int flags, @org.jspecify.annotations.Nullable String vfs)
            throws SqliteException;
}

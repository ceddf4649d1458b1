package io.litevfs.sqlite.jnr.internal;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteConnection;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteVfs;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.provider.ClosureManager;
import org.jspecify.annotations.Nullable;

/** One loaded SQLite library: the jnr-ffi binding, its VFS bridge and SQL-function registry. Thread-safe. */
public final class NativeSqlite {

    final LibSqlite lib;
    final VfsBridge vfs;
    final SqlFunctions functions;
    private final String library;
    private final String version;
    private volatile boolean hasChanges64 = true;

    private NativeSqlite(String library, LibSqlite lib) throws SqliteException {
        this.library = library;
        this.lib = lib;
        String v;
        try {
            v = Mem.string(lib.sqlite3_libversion());
        } catch (LinkageError e) {
            throw new SqliteException(
                    SqliteCodes.CANTOPEN, "'" + library + "' does not look like SQLite: " + e.getMessage(), e);
        }
        this.version = v == null ? "?" : v;
        if (lib.sqlite3_threadsafe() == 0) {
            throw new SqliteException(
                    SqliteCodes.CANTOPEN,
                    "SQLite " + version + " at '" + library
                            + "' is built with SQLITE_THREADSAFE=0; litevfs needs 1 or 2");
        }
        ClosureManager closures = jnr.ffi.Runtime.getRuntime(lib).getClosureManager();
        this.vfs = new VfsBridge(lib, closures);
        this.functions = new SqlFunctions(lib, closures);
    }

    /**
     * Loads the library at {@code library} (a path or a soname such as {@code libsqlite3.so.0}).
     *
     * @throws SqliteException with {@link SqliteCodes#CANTOPEN} naming the library if it cannot be loaded
     */
    public static NativeSqlite load(String library) throws SqliteException {
        LibSqlite lib;
        try {
            lib = LibraryLoader.create(LibSqlite.class)
                    .option(LibraryOption.IgnoreError, true)
                    .failImmediately()
                    .load(library);
        } catch (LinkageError | RuntimeException e) {
            throw new SqliteException(
                    SqliteCodes.CANTOPEN, "cannot load the SQLite library '" + library + "': " + e.getMessage(), e);
        }
        return new NativeSqlite(library, lib);
    }

    public String library() {
        return library;
    }

    public String libraryVersion() {
        return version;
    }

    public void registerVfs(SqliteVfs vfs, boolean makeDefault) throws SqliteException {
        this.vfs.register(vfs, makeDefault);
    }

    public void unregisterVfs(String name) throws SqliteException {
        this.vfs.unregister(name);
    }

    public SqliteConnection open(String filename, int flags, @Nullable String vfsName) throws SqliteException {
        return JnrConnection.open(this, filename, flags, vfsName);
    }

    /** Returns the number of files currently open through VFSs registered by this library's binding. */
    public int openFileCount() {
        return vfs.openFileCount();
    }

    /** Returns the number of SQL functions whose Java object is still registered (not yet destroyed by SQLite). */
    public int functionCount() {
        return functions.count();
    }

    /** Returns the number of unregistered VFSs whose native struct is still alive because something uses it. */
    public int retiredVfsCount() {
        return vfs.retiredCount();
    }

    long changes(long db) {
        if (hasChanges64) {
            try {
                return lib.sqlite3_changes64(db);
            } catch (UnsatisfiedLinkError e) {
                hasChanges64 = false; // SQLite before 3.37
            }
        }
        return lib.sqlite3_changes(db);
    }

    String errstr(int rc) {
        String s = Mem.string(lib.sqlite3_errstr(rc));
        return s == null ? "SQLite error " + rc : s;
    }
}

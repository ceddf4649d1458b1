package io.litevfs.sqlite.jnr.internal;

import io.litevfs.sqlite.SqliteVfs.UriParameters;
import org.jspecify.annotations.Nullable;

/**
 * {@link UriParameters} read with {@code sqlite3_uri_parameter} from the exact {@code zName} pointer SQLite passed to
 * xOpen (the parameters live after the name's NUL; a copy of the name would lose them). Valid only while {@code
 * SqliteVfs.open} runs: afterwards {@link #get} throws {@link IllegalStateException}.
 */
final class NativeUriParameters implements UriParameters {

    private final LibSqlite lib;
    private final long zName;
    private volatile boolean valid = true;

    NativeUriParameters(LibSqlite lib, long zName) {
        this.lib = lib;
        this.zName = zName;
    }

    @Override
    public @Nullable String get(String name) {
        if (!valid) {
            throw new IllegalStateException(
                    "URI parameters can only be read while SqliteVfs.open runs (they live in SQLite's file name)");
        }
        return Mem.string(lib.sqlite3_uri_parameter(zName, Mem.cstr(name)));
    }

    void invalidate() {
        valid = false;
    }

    @Override
    public String toString() {
        return valid ? "UriParameters(native)" : "UriParameters(expired)";
    }
}

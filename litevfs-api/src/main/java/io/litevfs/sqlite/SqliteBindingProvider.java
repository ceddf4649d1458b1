package io.litevfs.sqlite;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Creates a {@link SqliteBinding}. Found with {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.litevfs.sqlite.SqliteBindingProvider}.
 */
public interface SqliteBindingProvider {

    /** Returns a short name, e.g. {@code jnr}. */
    String name();

    /**
     * Loads SQLite.
     *
     * @param library the shared library to load, or {@code null} for the default ({@code libsqlite3.so.0})
     * @return the binding (one per library per process is enough; the binding is thread-safe)
     * @throws SqliteException with {@link SqliteCodes#CANTOPEN} if the library cannot be loaded
     */
    SqliteBinding load(@Nullable Path library) throws SqliteException;

    /** Returns the first provider on the class path, if any. */
    static Optional<SqliteBindingProvider> find() {
        return java.util.ServiceLoader.load(SqliteBindingProvider.class).findFirst();
    }
}

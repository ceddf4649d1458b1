package io.litevfs.sqlite;

/**
 * One SQLite connection. Use it from one thread at a time (the library is serialized, so moving a connection
 * between threads between calls is legal); {@link #interrupt()} may be called from any thread.
 */
public interface SqliteConnection extends AutoCloseable {

    /**
     * Prepares the first statement of {@code sql} ({@code sqlite3_prepare_v2}).
     *
     * @throws SqliteException for a syntax error, a missing table, or an I/O error while reading the schema
     */
    SqliteStatement prepare(String sql) throws SqliteException;

    /** Runs one or more statements and discards their rows ({@code sqlite3_exec}). */
    void exec(String sql) throws SqliteException;

    /** Makes the running statement stop at the next opportunity with {@link SqliteCodes#INTERRUPT}. Thread-safe. */
    void interrupt();

    /** Returns {@code sqlite3_changes64()}. */
    long changes();

    /** Returns {@code sqlite3_last_insert_rowid()}. */
    long lastInsertRowid();

    /** Returns whether the connection is in autocommit mode (no transaction open). */
    boolean autocommit();

    /**
     * Registers a scalar SQL function on this connection ({@code sqlite3_create_function_v2}). The binding keeps
     * the function reachable until SQLite destroys it.
     *
     * @param name the function name
     * @param nArgs the number of arguments, or -1 for any
     * @param flags {@link SqliteCodes#DETERMINISTIC}, {@link SqliteCodes#DIRECTONLY}, {@link SqliteCodes#INNOCUOUS}
     */
    void createFunction(String name, int nArgs, int flags, SqlFunction function) throws SqliteException;

    /** Closes the connection, finalizing statements still open ({@code sqlite3_close_v2}). Idempotent. */
    @Override
    void close() throws SqliteException;

    /**
     * A scalar SQL function. Arguments arrive as {@code Long}, {@code Double}, {@code String}, {@code byte[]} or
     * {@code null}; the result may be any of those, an {@code Integer}, or a {@code Boolean}. A thrown exception
     * becomes an SQL error carrying its message (never a crash, never a wrong result).
     */
    @FunctionalInterface
    interface SqlFunction {
        /** Computes the result. */
        @org.jspecify.annotations.Nullable
        Object apply(Object[] args) throws Exception;
    }
}

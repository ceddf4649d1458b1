package io.litevfs.sqlite;

import org.jspecify.annotations.Nullable;

/**
 * A prepared statement. Not thread-safe; used by the thread that uses its connection. Indexes of parameters are
 * 1-based (as in SQLite), indexes of columns 0-based.
 */
public interface SqliteStatement extends AutoCloseable {

    /** Returns the SQL text. */
    String sql();

    /** Returns the number of parameters. */
    int parameterCount();

    /**
     * Binds a value: {@code null}, {@code Long}/{@code Integer}/{@code Short}/{@code Byte}, {@code Boolean} (as
     * 0/1), {@code Double}/{@code Float}, {@code String}, {@code byte[]}.
     *
     * @throws SqliteException with {@link SqliteCodes#RANGE} for a bad index, {@link SqliteCodes#MISMATCH} for a
     *     value of another type
     */
    void bind(int index, @Nullable Object value) throws SqliteException;

    /** Clears all bindings to NULL. */
    void clearBindings() throws SqliteException;

    /**
     * Steps the statement.
     *
     * @return {@code true} if a row is available, {@code false} when done
     * @throws SqliteException on error (the statement must then be reset or closed)
     */
    boolean step() throws SqliteException;

    /** Resets the statement so it can be stepped again from the start (bindings are kept). */
    void reset() throws SqliteException;

    /** Returns the number of result columns. */
    int columnCount();

    /** Returns the name of a result column. */
    String columnName(int column);

    /** Returns the {@code SQLITE_*} type of a column of the current row ({@link SqliteCodes#TYPE_INTEGER}, ...). */
    int columnType(int column);

    /** Returns a column of the current row as an integer. */
    long columnLong(int column);

    /** Returns a column of the current row as a real. */
    double columnDouble(int column);

    /** Returns a column of the current row as text, or {@code null} for NULL. */
    @Nullable
    String columnText(int column);

    /** Returns a column of the current row as a blob, or {@code null} for NULL. */
    byte @Nullable [] columnBlob(int column);

    /**
     * Returns a column of the current row in its natural Java type: {@code Long}, {@code Double}, {@code String},
     * {@code byte[]} or {@code null}.
     */
    default @Nullable Object columnValue(int column) {
        return switch (columnType(column)) {
            case SqliteCodes.TYPE_INTEGER -> columnLong(column);
            case SqliteCodes.TYPE_FLOAT -> columnDouble(column);
            case SqliteCodes.TYPE_TEXT -> columnText(column);
            case SqliteCodes.TYPE_BLOB -> columnBlob(column);
            default -> null;
        };
    }

    /** Returns whether the statement does not write ({@code sqlite3_stmt_readonly}). */
    boolean isReadOnly();

    /** Finalizes the statement. Idempotent. */
    @Override
    void close();
}

package io.litevfs.sqlite;

import org.jspecify.annotations.Nullable;

/**
 * An SQLite error with its extended result code.
 *
 * <p>Thrown by the binding when a C API call fails (with SQLite's message, and the Java cause a VFS callback
 * recorded, if any), and thrown by VFS implementations to choose the code a callback returns.
 */
public class SqliteException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * Creates the exception.
     *
     * @param code the extended result code ({@link SqliteCodes})
     * @param message what failed
     * @param cause the underlying error, if any
     */
    public SqliteException(int code, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Creates the exception without a cause. */
    public SqliteException(int code, String message) {
        this(code, message, null);
    }

    /** Returns the extended result code. */
    public int code() {
        return code;
    }

    /** Returns the primary result code. */
    public int primaryCode() {
        return SqliteCodes.primary(code);
    }
}

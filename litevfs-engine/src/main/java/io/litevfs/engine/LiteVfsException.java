package io.litevfs.engine;

import org.jspecify.annotations.Nullable;

/**
 * An error from SQLite while running a query on a replica, with SQLite's extended result code. I/O errors carry
 * the engine's message (which replica, which file) and, as the cause, the storage or format error behind them.
 */
public class LiteVfsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;

    /** Creates the exception. */
    public LiteVfsException(int code, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Returns SQLite's extended result code ({@link io.litevfs.sqlite.SqliteCodes}). */
    public int code() {
        return code;
    }
}

package io.litevfs.sqlite;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * An open file of a {@link SqliteVfs} (modelled on {@code sqlite3_io_methods}).
 *
 * <p>Each method's default error code (for throwables other than {@link SqliteException}) is SQLite's matching
 * {@code SQLITE_IOERR_*} code: {@link SqliteCodes#IOERR_READ} for {@link #read}, {@link SqliteCodes#IOERR_WRITE}
 * for {@link #write}, and so on. A file is used by one SQLite connection, so calls on it are not concurrent.
 */
public interface SqliteFile {

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst} (xRead).
     *
     * @param offset the file offset
     * @param dst the destination: a direct buffer that is either a view of SQLite's buffer or a reusable buffer the
     *     binding copies into SQLite's buffer when this method returns; valid only during the call (never keep it)
     * @return {@code true} if the buffer was filled; {@code false} for a short read past the end of the file, in
     *     which case the bytes before {@code dst.position()} are the data and the binding zero-fills the rest of
     *     SQLite's buffer and returns {@link SqliteCodes#IOERR_SHORT_READ}
     */
    boolean read(long offset, ByteBuffer dst) throws SqliteException;

    /** Writes {@code src.remaining()} bytes at {@code offset} (xWrite). */
    void write(long offset, ByteBuffer src) throws SqliteException;

    /** Truncates the file to {@code size} bytes (xTruncate). */
    void truncate(long size) throws SqliteException;

    /** Syncs the file (xSync). */
    void sync(int flags) throws SqliteException;

    /** Returns the file size in bytes (xFileSize). */
    long size() throws SqliteException;

    /**
     * Raises the lock to {@code level} (xLock).
     *
     * @throws SqliteException with {@link SqliteCodes#BUSY} if another connection holds a conflicting lock
     */
    void lock(int level) throws SqliteException;

    /** Lowers the lock to {@code level} (xUnlock). */
    void unlock(int level) throws SqliteException;

    /** Returns whether any connection holds a RESERVED or higher lock (xCheckReservedLock). */
    boolean checkReservedLock() throws SqliteException;

    /**
     * Handles {@code PRAGMA name} or {@code PRAGMA name = value} addressed to this file (SQLITE_FCNTL_PRAGMA).
     * Called at prepare time and again on every execution, with the name as the user typed it.
     *
     * @param name the pragma name
     * @param value the argument, or {@code null}
     * @return {@code null} if the pragma is not the file's (SQLite handles it), else the outcome
     * @throws SqliteException to fail the statement with the exception's code and message
     */
    default @Nullable PragmaResult pragma(String name, @Nullable String value) throws SqliteException {
        return null;
    }

    /** Returns the sector size (xSectorSize). */
    default int sectorSize() {
        return 4096;
    }

    /** Returns {@code SQLITE_IOCAP_*} bits (xDeviceCharacteristics). */
    default int deviceCharacteristics() {
        return 0;
    }

    /** Closes the file (xClose). */
    void close() throws SqliteException;

    /**
     * The outcome of a handled pragma.
     *
     * @param value the single result value (one row, one column), or {@code null} for no rows
     */
    record PragmaResult(@Nullable String value) {
        /** A handled pragma with no result rows. */
        public static final PragmaResult EMPTY = new PragmaResult(null);

        /** A handled pragma with one result value. */
        public static PragmaResult of(String value) {
            return new PragmaResult(value);
        }
    }
}

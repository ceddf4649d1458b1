package io.litevfs.sqlite;

import org.jspecify.annotations.Nullable;

/**
 * A virtual file system that SQLite calls through a binding (modelled on {@code sqlite3_vfs}).
 *
 * <p>The binding catches everything a method throws: a {@link SqliteException} selects the result code returned
 * to SQLite; any other throwable becomes the callback's I/O error code (see each method). The binding keeps the
 * most recent throwable per connection so that the error SQLite reports can carry it as the cause.
 *
 * <p>Methods are called on whatever thread runs SQLite; implementations are thread-safe.
 */
public interface SqliteVfs {

    /** Returns the name SQLite knows the VFS by ({@code vfs=} in URIs). */
    String name();

    /**
     * Opens a file (xOpen).
     *
     * @param name the file name, or {@code null} for anonymous temporary files
     * @param flags the {@code SQLITE_OPEN_*} flags ({@link SqliteCodes#OPEN_MAIN_DB} and friends)
     * @param uri the URI parameters of a main database name ({@code sqlite3_uri_parameter}); empty otherwise. Only
     *     readable while this method runs (they live in SQLite's memory): read what you need here
     * @return the open file
     * @throws SqliteException to fail with its code ({@link SqliteCodes#CANTOPEN} by default)
     */
    SqliteFile open(@Nullable String name, int flags, UriParameters uri) throws SqliteException;

    /** Deletes a file (xDelete). A missing file is not an error. */
    void delete(String name, boolean syncDirectory) throws SqliteException;

    /**
     * Answers xAccess.
     *
     * @param flags {@link SqliteCodes#ACCESS_EXISTS}, {@link SqliteCodes#ACCESS_READWRITE} or
     *     {@link SqliteCodes#ACCESS_READ}
     */
    boolean access(String name, int flags) throws SqliteException;

    /** Returns the canonical name of a file (xFullPathname); the binding truncates nothing, so keep it short. */
    default String fullPathname(String name) throws SqliteException {
        return name;
    }

    /** Returns the text for xGetLastError, or {@code null}. */
    default @Nullable String lastError() {
        return null;
    }

    /** URI parameters attached to a main-database file name. */
    @FunctionalInterface
    interface UriParameters {
        /** Returns the value of a parameter, or {@code null} if absent. */
        @Nullable
        String get(String name);

        /** No parameters. */
        UriParameters NONE = name -> null;
    }
}

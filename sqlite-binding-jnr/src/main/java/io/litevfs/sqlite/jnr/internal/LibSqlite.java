package io.litevfs.sqlite.jnr.internal;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.LongLong;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.intptr_t;

/**
 * The part of SQLite's C API the binding uses, as a jnr-ffi interface.
 *
 * <p>Conventions: every pointer is a {@code @intptr_t long} (no {@code Pointer} objects on hot paths); every {@code
 * sqlite3_int64} is {@code @LongLong long}; strings go in as NUL-terminated UTF-8 {@code byte[]} built by {@link
 * Mem#cstr} (so no charset depends on the JVM's default) and come back as {@code const char*} addresses decoded by
 * {@link Mem#string}. Text and blobs SQLite must keep are passed with {@link #SQLITE_TRANSIENT}, because jnr-ffi's
 * native copy of a {@code byte[]} only lives for the duration of the call.
 */
@IgnoreError
public interface LibSqlite {

    /** {@code SQLITE_TRANSIENT}: SQLite copies the value before the call returns. */
    long SQLITE_TRANSIENT = -1L;

    @intptr_t
    long sqlite3_libversion();

    int sqlite3_threadsafe();

    // Connections.

    int sqlite3_open_v2(@In byte[] filename, @Out long[] ppDb, int flags, @In byte[] zVfs);

    int sqlite3_close_v2(@intptr_t long db);

    int sqlite3_extended_result_codes(@intptr_t long db, int onoff);

    @intptr_t
    long sqlite3_errmsg(@intptr_t long db);

    @intptr_t
    long sqlite3_errstr(int rc);

    int sqlite3_extended_errcode(@intptr_t long db);

    int sqlite3_exec(
            @intptr_t long db, @In byte[] sql, @intptr_t long callback, @intptr_t long arg, @intptr_t long errmsg);

    void sqlite3_interrupt(@intptr_t long db);

    @LongLong
    long sqlite3_changes64(@intptr_t long db);

    int sqlite3_changes(@intptr_t long db);

    @LongLong
    long sqlite3_last_insert_rowid(@intptr_t long db);

    int sqlite3_get_autocommit(@intptr_t long db);

    int sqlite3_file_control(@intptr_t long db, @In byte[] zDbName, int op, @Out long[] pArg);

    // Statements.

    int sqlite3_prepare_v2(@intptr_t long db, @In byte[] sql, int nByte, @Out long[] ppStmt, @intptr_t long pzTail);

    int sqlite3_step(@intptr_t long stmt);

    int sqlite3_reset(@intptr_t long stmt);

    int sqlite3_finalize(@intptr_t long stmt);

    int sqlite3_clear_bindings(@intptr_t long stmt);

    int sqlite3_stmt_readonly(@intptr_t long stmt);

    int sqlite3_bind_parameter_count(@intptr_t long stmt);

    int sqlite3_bind_null(@intptr_t long stmt, int index);

    int sqlite3_bind_int64(@intptr_t long stmt, int index, @LongLong long value);

    int sqlite3_bind_double(@intptr_t long stmt, int index, double value);

    int sqlite3_bind_text(@intptr_t long stmt, int index, @In byte[] utf8, int nBytes, @intptr_t long destructor);

    int sqlite3_bind_blob(@intptr_t long stmt, int index, @In byte[] data, int nBytes, @intptr_t long destructor);

    int sqlite3_bind_zeroblob(@intptr_t long stmt, int index, int nBytes);

    int sqlite3_column_count(@intptr_t long stmt);

    @intptr_t
    long sqlite3_column_name(@intptr_t long stmt, int column);

    int sqlite3_column_type(@intptr_t long stmt, int column);

    @LongLong
    long sqlite3_column_int64(@intptr_t long stmt, int column);

    double sqlite3_column_double(@intptr_t long stmt, int column);

    @intptr_t
    long sqlite3_column_text(@intptr_t long stmt, int column);

    @intptr_t
    long sqlite3_column_blob(@intptr_t long stmt, int column);

    int sqlite3_column_bytes(@intptr_t long stmt, int column);

    // SQL functions.

    int sqlite3_create_function_v2(
            @intptr_t long db,
            @In byte[] zFunctionName,
            int nArg,
            int eTextRep,
            @intptr_t long pApp,
            @intptr_t long xFunc,
            @intptr_t long xStep,
            @intptr_t long xFinal,
            @intptr_t long xDestroy);

    @intptr_t
    long sqlite3_user_data(@intptr_t long ctx);

    int sqlite3_value_type(@intptr_t long value);

    @LongLong
    long sqlite3_value_int64(@intptr_t long value);

    double sqlite3_value_double(@intptr_t long value);

    @intptr_t
    long sqlite3_value_text(@intptr_t long value);

    @intptr_t
    long sqlite3_value_blob(@intptr_t long value);

    int sqlite3_value_bytes(@intptr_t long value);

    void sqlite3_result_null(@intptr_t long ctx);

    void sqlite3_result_int64(@intptr_t long ctx, @LongLong long value);

    void sqlite3_result_double(@intptr_t long ctx, double value);

    void sqlite3_result_text(@intptr_t long ctx, @In byte[] utf8, int nBytes, @intptr_t long destructor);

    void sqlite3_result_blob(@intptr_t long ctx, @In byte[] data, int nBytes, @intptr_t long destructor);

    void sqlite3_result_zeroblob(@intptr_t long ctx, int nBytes);

    void sqlite3_result_error(@intptr_t long ctx, @In byte[] utf8, int nBytes);

    void sqlite3_result_error_nomem(@intptr_t long ctx);

    // VFS and memory.

    int sqlite3_vfs_register(@intptr_t long vfs, int makeDefault);

    int sqlite3_vfs_unregister(@intptr_t long vfs);

    @intptr_t
    long sqlite3_vfs_find(@In byte[] zVfsName);

    @intptr_t
    long sqlite3_malloc64(@LongLong long size);

    void sqlite3_free(@intptr_t long p);

    @intptr_t
    long sqlite3_uri_parameter(@intptr_t long zFilename, @In byte[] zParam);
}

/**
 * The blocking SQLite contracts between the engine and a SQLite binding, free of any FFI types.
 *
 * <p>Two directions:
 *
 * <ul>
 *   <li>The binding <b>calls</b> a {@link io.litevfs.sqlite.SqliteVfs} and its {@link io.litevfs.sqlite.SqliteFile}s
 *       from SQLite's VFS callbacks ({@code sqlite3_vfs}, {@code sqlite3_io_methods}). The engine implements them.
 *   <li>The binding <b>implements</b> {@link io.litevfs.sqlite.SqliteBinding}, {@link
 *       io.litevfs.sqlite.SqliteConnection} and {@link io.litevfs.sqlite.SqliteStatement} over the C API. The engine
 *       finds it with {@link java.util.ServiceLoader} through {@link io.litevfs.sqlite.SqliteBindingProvider}.
 * </ul>
 *
 * <p>Everything here is blocking by design, because SQLite calls are synchronous. Errors are
 * {@link io.litevfs.sqlite.SqliteException}s carrying an extended result code ({@link io.litevfs.sqlite.SqliteCodes}).
 */
@NullMarked
package io.litevfs.sqlite;

import org.jspecify.annotations.NullMarked;

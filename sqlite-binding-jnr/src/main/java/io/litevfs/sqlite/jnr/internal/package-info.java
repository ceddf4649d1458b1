/**
 * Internals of the jnr-ffi binding: the C API as a jnr-ffi interface ({@link io.litevfs.sqlite.jnr.internal.LibSqlite}),
 * the VFS bridge with its native structs, callbacks and open-file table, SQL functions, and the connection and
 * statement implementations. Not an API.
 */
@NullMarked
package io.litevfs.sqlite.jnr.internal;

import org.jspecify.annotations.NullMarked;

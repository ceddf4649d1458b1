/**
 * The jnr-ffi SQLite binding: {@link io.litevfs.sqlite.jnr.JnrSqliteBindingProvider} (ServiceLoader name {@code jnr})
 * and {@link io.litevfs.sqlite.jnr.JnrSqliteBinding}.
 */
@NullMarked
package io.litevfs.sqlite.jnr;

import org.jspecify.annotations.NullMarked;

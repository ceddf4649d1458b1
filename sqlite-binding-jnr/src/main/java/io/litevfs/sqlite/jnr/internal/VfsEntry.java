package io.litevfs.sqlite.jnr.internal;

import io.litevfs.sqlite.SqliteVfs;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registration of a {@link SqliteVfs}: its native {@code sqlite3_vfs} struct and name (both from {@code
 * sqlite3_malloc64}), and a count of users (open files plus this binding's connections on it). The native memory is
 * freed only once the VFS is unregistered and nothing uses it any more.
 */
final class VfsEntry {

    final SqliteVfs vfs;
    final String name;
    /** Stored in the struct's pAppData. */
    final long handle;

    final long struct;
    final long zName;
    final AtomicInteger users = new AtomicInteger();

    volatile boolean registered;
    boolean freed;

    VfsEntry(SqliteVfs vfs, String name, long handle, long struct, long zName) {
        this.vfs = vfs;
        this.name = name;
        this.handle = handle;
        this.struct = struct;
        this.zName = zName;
    }
}

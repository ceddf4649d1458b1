package io.litevfs.engine.internal.vfs;

import io.litevfs.storage.StorageLocation;

/** Helpers that let the public API reach per-connection state of the VFS. */
public final class ReplicaFiles {

    private ReplicaFiles() {}

    /** Returns the TXID a connection's main file serves, for {@code litevfs_txid()}. */
    public static String txId(EngineSqliteVfs vfs, String connectionId) {
        ReplicaFile f = vfs.connectionFile(connectionId);
        if (f == null) {
            throw new IllegalStateException("litevfs_txid(): the connection has no replica open");
        }
        return f.snapshot().txId().toString();
    }

    /** Returns {@code litevfs_lag()} of a connection: whole seconds since its replica was last polled, or -1. */
    public static long lag(EngineSqliteVfs vfs, String connectionId) {
        ReplicaFile f = vfs.connectionFile(connectionId);
        if (f == null) {
            throw new IllegalStateException("litevfs_lag(): the connection has no replica open");
        }
        return f.lagSeconds();
    }

    /** Returns a replica URL with secrets redacted, for messages. */
    public static String redact(String url) {
        try {
            return StorageLocation.parse(url).toString();
        } catch (RuntimeException e) {
            return "(malformed replica URL)";
        }
    }
}

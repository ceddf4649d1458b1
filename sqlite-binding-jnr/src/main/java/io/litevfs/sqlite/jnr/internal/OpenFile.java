package io.litevfs.sqlite.jnr.internal;

import io.litevfs.sqlite.SqliteFile;
import org.jspecify.annotations.Nullable;

/** A file SQLite opened through one of our VFSs: the Java side of our {@code sqlite3_file} subclass. */
final class OpenFile {

    final VfsEntry vfs;
    final SqliteFile file;
    final @Nullable String name;
    /** The connection whose call opened the file (null if it was not opened by this binding's connections). */
    final @Nullable JnrConnection owner;
    /** Also stored at offset 16 of the native sqlite3_file; checked on every call. */
    final long magic;

    int id = -1;

    OpenFile(VfsEntry vfs, SqliteFile file, @Nullable String name, @Nullable JnrConnection owner, long magic) {
        this.vfs = vfs;
        this.file = file;
        this.name = name;
        this.owner = owner;
        this.magic = magic;
    }
}

package io.litevfs.engine.internal.replica;

import io.litevfs.engine.ReplicaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A local SQLite database file opened for a consistent, read-only copy of its pages.
 *
 * <p><b>Consistency.</b> The copy holds SQLite's own SHARED lock for its whole duration: POSIX read locks on the
 * PENDING byte (briefly) and on the 510-byte SHARED range, exactly the byte ranges the unix VFS uses, so a writer
 * cannot commit while pages are read, and a writer holding the database makes the import fail fast instead of
 * copying a torn state. A non-empty {@code -wal} file or a {@code -journal} file means committed or in-flight
 * changes live outside the main file; the import refuses them with instructions rather than copying a stale or
 * half-written image.
 */
final class SqliteDatabaseFile implements AutoCloseable {

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final long PENDING_BYTE = 0x40000000L;
    private static final long SHARED_FIRST = PENDING_BYTE + 2;
    private static final int SHARED_SIZE = 510;

    private final Path path;
    private final FileChannel channel;
    private final List<FileLock> locks = new ArrayList<>();
    private final int pageSize;
    private final int pageCount;

    private SqliteDatabaseFile(Path path, FileChannel channel, int pageSize, int pageCount) {
        this.path = path;
        this.channel = channel;
        this.pageSize = pageSize;
        this.pageCount = pageCount;
    }

    /**
     * Opens, locks and validates a database file.
     *
     * @throws ReplicaException if the file is not a SQLite database that can be copied consistently
     */
    static SqliteDatabaseFile open(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ReplicaException("no such database file: " + path);
        }
        try {
            List<FileLock> locks = lockShared(ch, path);
            try {
                checkSidecars(path);
                long size = ch.size();
                ByteBuffer header = ByteBuffer.allocate(100);
                while (header.hasRemaining() && ch.read(header, header.position()) > 0) {}
                if (size < 100 || header.hasRemaining() || !startsWithMagic(header.array())) {
                    throw new ReplicaException(path + " is not a SQLite database (no 'SQLite format 3' header)");
                }
                int raw = ((header.get(16) & 0xff) << 8) | (header.get(17) & 0xff);
                int pageSize = raw == 1 ? 65536 : raw;
                if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
                    throw new ReplicaException(path + ": invalid page size " + raw + " in the database header");
                }
                if (size % pageSize != 0) {
                    throw new ReplicaException(path + ": file size " + size + " is not a multiple of the page size "
                            + pageSize + " (truncated or still being written?)");
                }
                long pages = size / pageSize;
                if (pages > Integer.MAX_VALUE) {
                    throw new ReplicaException(path + ": too many pages (" + pages + ")");
                }
                SqliteDatabaseFile file = new SqliteDatabaseFile(path, ch, pageSize, (int) pages);
                file.locks.addAll(locks);
                return file;
            } catch (IOException | RuntimeException e) {
                for (FileLock l : locks) {
                    l.release();
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static List<FileLock> lockShared(FileChannel ch, Path path) throws IOException {
        List<FileLock> locks = new ArrayList<>();
        FileLock pending = ch.tryLock(PENDING_BYTE, 1, true);
        if (pending == null) {
            throw new ReplicaException(path + " is locked by a writer (try again when it is idle)");
        }
        try {
            FileLock shared = ch.tryLock(SHARED_FIRST, SHARED_SIZE, true);
            if (shared == null) {
                throw new ReplicaException(path + " is locked by a writer (try again when it is idle)");
            }
            locks.add(shared);
        } finally {
            pending.release();
        }
        return locks;
    }

    private static void checkSidecars(Path path) throws IOException {
        Path wal = path.resolveSibling(path.getFileName() + "-wal");
        if (Files.exists(wal) && Files.size(wal) > 0) {
            throw new ReplicaException(path + " has a non-empty write-ahead log (" + wal.getFileName()
                    + "): checkpoint it first, e.g. sqlite3 " + path.getFileName()
                    + " 'PRAGMA wal_checkpoint(TRUNCATE)'");
        }
        Path journal = path.resolveSibling(path.getFileName() + "-journal");
        if (Files.exists(journal) && Files.size(journal) > 0) {
            throw new ReplicaException(path + " has a rollback journal (" + journal.getFileName()
                    + "): a transaction is in progress or was interrupted; open the database with sqlite3 once to"
                    + " recover it");
        }
    }

    private static boolean startsWithMagic(byte[] header) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    Path path() {
        return path;
    }

    int pageSize() {
        return pageSize;
    }

    int pageCount() {
        return pageCount;
    }

    /** Reads page {@code pgno} (1-based) into {@code page}. */
    void readPage(int pgno, byte[] page) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(page, 0, pageSize);
        long pos = (long) (pgno - 1) * pageSize;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos + buf.position());
            if (n < 0) {
                throw new ReplicaException(path + " shrank while being read (page " + pgno + ")");
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            for (FileLock l : locks) {
                if (l.isValid()) {
                    l.release();
                }
            }
        } finally {
            channel.close();
        }
    }
}

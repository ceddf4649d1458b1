package io.litevfs.engine.internal.vfs;

import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A file that lives in the heap: rollback journals and SQLite's temporary files (sorter spills, temp tables,
 * sub-journals). Not durable, which is fine for a read-only replica (SQLite writes no journal for it) and for
 * temporary files by definition.
 */
final class MemoryFile implements SqliteFile {

    private final Runnable onClose;
    private byte[] data = new byte[0];
    private long size;
    private int lock;

    MemoryFile(Runnable onClose) {
        this.onClose = onClose;
    }

    synchronized long length() {
        return size;
    }

    @Override
    public synchronized boolean read(long offset, ByteBuffer dst) {
        int want = dst.remaining();
        long available = Math.max(0, size - offset);
        int n = (int) Math.min(want, available);
        if (n > 0) {
            dst.put(data, (int) offset, n);
        }
        return n == want;
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) throws SqliteException {
        long end = offset + src.remaining();
        if (end > Integer.MAX_VALUE - 16) {
            throw new SqliteException(SqliteCodes.FULL, "temporary file larger than 2 GiB");
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 16L, data.length * 2L)));
        }
        src.get(data, (int) offset, src.remaining());
        size = Math.max(size, end);
    }

    @Override
    public synchronized void truncate(long newSize) {
        if (newSize < size) {
            Arrays.fill(data, (int) newSize, (int) size, (byte) 0);
            size = newSize;
        }
    }

    @Override
    public void sync(int flags) {}

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized void lock(int level) {
        lock = level;
    }

    @Override
    public synchronized void unlock(int level) {
        lock = level;
    }

    @Override
    public synchronized boolean checkReservedLock() {
        return lock >= SqliteCodes.LOCK_RESERVED;
    }

    @Override
    public int deviceCharacteristics() {
        return SqliteCodes.IOCAP_ATOMIC
                | SqliteCodes.IOCAP_SAFE_APPEND
                | SqliteCodes.IOCAP_SEQUENTIAL
                | SqliteCodes.IOCAP_POWERSAFE_OVERWRITE;
    }

    @Override
    public void close() {
        onClose.run();
    }
}

package io.litevfs.engine.internal.vfs;

import io.litevfs.engine.internal.read.PageFetcher;
import io.litevfs.engine.internal.read.ReadStats;
import io.litevfs.engine.internal.read.ReplicaSnapshot;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;
import reactor.core.scheduler.Schedulers;

/**
 * The main database file of one SQLite connection on a replica: serves SQLite's reads from a pinned {@link
 * ReplicaSnapshot}, read-only.
 *
 * <p><b>Reads.</b> A read is split into LTX pages (SQLite's page size may be smaller than the LTX page size,
 * pitfall P3). Each page comes from the shared page cache; a hit is a copy on the calling thread with no hop; a
 * miss waits, with a timeout, for the fetcher's future. Pages no file holds read as zeros; reads past the
 * database size are short reads. Page 1 is patched: bytes 18 and 19 become 1 (rollback journal, so SQLite never
 * looks for a WAL), and the change counter (bytes 24..27) is derived from the TXID, so SQLite's own page cache is
 * invalidated whenever the version changes and never otherwise, and differs from bytes 92..95 so that SQLite takes
 * the database size from {@link #size()} (the state's Commit) rather than from the header.
 *
 * <p><b>Waiting.</b> Only SQLite threads call this class. A miss on a Reactor non-blocking thread (an event loop)
 * fails fast with {@code SQLITE_IOERR_READ} instead of blocking it or deadlocking.
 *
 * <p><b>Read-ahead.</b> Driven by misses ({@link #adjustWindow}): consecutive misses double the window up to
 * {@link #MAX_WINDOW} pages (the fetcher also caps a read at 2 MiB), hops within a B-tree keep it, far jumps shrink
 * it. At full window the file keeps one more run in flight ahead of the reader.
 *
 * <p>Used by one connection at a time (SQLite's contract); not thread-safe.
 */
final class ReplicaFile implements SqliteFile {

    static final int MAX_WINDOW = 1024;

    /** Misses within this many pages of the last read keep the read-ahead window. */
    static final int NEAR = 2048;

    /** At most this many read-ahead pages are held per connection (about 3 windows). */
    static final int AHEAD_LIMIT = 3 * MAX_WINDOW;

    private final ReplicaHandle handle;
    private final ReplicaSnapshot snapshot;
    private final ReadStats stats = new ReadStats();
    private final Duration timeout;
    private final Runnable onClose;
    private byte[] page1;
    private final java.util.Map<Integer, CompletableFuture<byte[]>> ahead = new java.util.HashMap<>();
    private int window = 1;
    private int lastRunEnd;
    private int prefetchTrigger = Integer.MAX_VALUE;
    private int prefetchedEnd;
    private int lock;

    ReplicaFile(ReplicaHandle handle, ReplicaSnapshot snapshot, Duration timeout, Runnable onClose) {
        this.handle = handle;
        this.snapshot = snapshot;
        this.timeout = timeout;
        this.onClose = onClose;
    }

    ReplicaSnapshot snapshot() {
        return snapshot;
    }

    ReadStats stats() {
        return stats;
    }

    @Override
    public boolean read(long offset, ByteBuffer dst) throws SqliteException {
        ReplicaSnapshot snap = snapshot;
        int ps = snap.pageSize();
        long pos = offset;
        while (dst.hasRemaining()) {
            long pgnoLong = pos / ps + 1;
            if (pgnoLong > snap.commit()) {
                return false;
            }
            int pgno = (int) pgnoLong;
            int inPage = (int) (pos % ps);
            int n = Math.min(ps - inPage, dst.remaining());
            byte[] page = pgno == 1 ? page1(snap) : page(snap, pgno);
            if (page == null) {
                for (int i = 0; i < n; i++) {
                    dst.put((byte) 0);
                }
            } else {
                dst.put(page, inPage, n);
            }
            pos += n;
        }
        return true;
    }

    private byte[] page1(ReplicaSnapshot snap) throws SqliteException {
        if (page1 == null) {
            byte[] p = page(snap, 1);
            byte[] copy = p == null ? new byte[snap.pageSize()] : p.clone();
            copy[18] = 1;
            copy[19] = 1;
            // The change counter follows the TXID, so SQLite drops its page cache exactly when the version
            // changes; it must differ from "version-valid-for" (bytes 92..95) so that SQLite never trusts the
            // in-header page count and asks xFileSize, which is the Commit of the state (pitfall P2: a header
            // written after a shrink can claim more pages than the database has).
            int counter = (int) snap.txId().value();
            if (counter == getInt(copy, 92)) {
                counter ^= 0x80000000;
            }
            putInt(copy, 24, counter);
            page1 = copy;
        }
        return page1;
    }

    private static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** Returns the page, or {@code null} if it reads as zeros. */
    private byte[] page(ReplicaSnapshot snap, int pgno) throws SqliteException {
        if (snap.fileIndexOf(pgno) < 0) {
            return null;
        }
        PageFetcher fetcher = handle.fetcher();
        CompletableFuture<byte[]> f = ahead.remove(pgno);
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
            stats.hit();
            handle.stats().hit();
        } else if (f != null && !f.isDone()) {
            stats.miss();
            handle.stats().miss();
        } else {
            PageFetcher.Lookup lookup = fetcher.page(snap, pgno, window, stats, this::keep);
            f = lookup.future();
            if (!lookup.hit()) {
                adjustWindow(pgno, lookup.runEnd());
            }
        }
        if (window == MAX_WINDOW && (prefetchTrigger == Integer.MAX_VALUE || pgno >= prefetchTrigger)) {
            // A scan at full speed: keep one more window in flight, so it is bound by bandwidth, not latency.
            int from = Math.max(prefetchedEnd, Math.max(lastRunEnd, pgno)) + 1;
            int end = fetcher.prefetch(snap, from, window, stats, this::keep);
            if (end >= from) {
                prefetchTrigger = from;
                prefetchedEnd = end;
            }
        }
        if (f.isDone() && !f.isCompletedExceptionally()) {
            return f.join();
        }
        if (Schedulers.isInNonBlockingThread()) {
            throw new SqliteException(
                    SqliteCodes.IOERR_READ,
                    "litevfs: page " + pgno + " of " + handle.name() + " is not cached and the calling thread ("
                            + Thread.currentThread().getName() + ") must not block; run SQLite on its own threads");
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SqliteException(
                    SqliteCodes.IOERR_READ,
                    String.format(
                            Locale.ROOT,
                            "litevfs: page %d of %s (%s) not read within %d ms",
                            pgno,
                            handle.name(),
                            snap.fileOf(pgno).describe(),
                            timeout.toMillis()),
                    e);
        } catch (ExecutionException e) {
            Throwable cause = Exceptions.unwrap(e.getCause());
            throw new SqliteException(SqliteCodes.IOERR_READ, "litevfs: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqliteException(SqliteCodes.IOERR_READ, "litevfs: interrupted while reading page " + pgno, e);
        }
    }

    /** Holds the futures of read-ahead pages until they are read (bounded: dropped on a far jump or overflow). */
    private void keep(int pgno, CompletableFuture<byte[]> future) {
        if (ahead.size() >= AHEAD_LIMIT) {
            ahead.clear();
        }
        ahead.put(pgno, future);
    }

    /**
     * The read-ahead policy, driven by misses: a miss just after the previous read (a few cached pages may lie
     * between) doubles the window; a miss near it (a B-tree scan hops between interior and leaf pages) keeps it; a
     * miss far away (random access) quarters it.
     */
    private void adjustWindow(int pgno, int runEnd) {
        if (lastRunEnd > 0) {
            int distance = pgno - lastRunEnd;
            if (distance > 0 && distance <= 4) {
                window = Math.min(window * 2, MAX_WINDOW);
            } else if (Math.abs(distance) > NEAR) {
                window = Math.max(1, window / 4);
                ahead.clear();
                prefetchTrigger = Integer.MAX_VALUE;
                prefetchedEnd = 0;
            }
        }
        if (runEnd > 0) {
            lastRunEnd = runEnd;
        } else if (pgno > lastRunEnd) {
            lastRunEnd = pgno;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws SqliteException {
        throw new SqliteException(SqliteCodes.READONLY, "litevfs: " + handle.name() + " is opened read-only");
    }

    @Override
    public void truncate(long size) throws SqliteException {
        throw new SqliteException(SqliteCodes.READONLY, "litevfs: " + handle.name() + " is opened read-only");
    }

    @Override
    public void sync(int flags) {}

    @Override
    public long size() {
        return snapshot.sizeBytes();
    }

    @Override
    public void lock(int level) {
        lock = level;
    }

    @Override
    public void unlock(int level) {
        lock = level;
    }

    @Override
    public boolean checkReservedLock() {
        return false;
    }

    @Override
    public PragmaResult pragma(String name, String value) throws SqliteException {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "litevfs_stats":
                return PragmaResult.of(stats.toJson());
            case "litevfs_txid":
                if (value != null) {
                    throw new SqliteException(
                            SqliteCodes.ERROR,
                            "litevfs: PRAGMA litevfs_txid = N is not supported yet; open with txid= in the URI");
                }
                return PragmaResult.of(snapshot.txId().toString());
            default:
                return null;
        }
    }

    @Override
    public int deviceCharacteristics() {
        return 0;
    }

    @Override
    public void close() {
        onClose.run();
    }

    int lockLevel() {
        return lock;
    }
}

package io.litevfs.engine.internal.vfs;

import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.read.PageFetcher;
import io.litevfs.engine.internal.read.ReadStats;
import io.litevfs.engine.internal.read.ReplicaSnapshot;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
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
    private ReplicaSnapshot snapshot;
    private @Nullable RestoreTarget pinned;
    private boolean closed;
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

    /**
     * Opens the file.
     *
     * @param snapshot the state to serve first
     * @param pinned the point in time the connection reads, or {@code null} to follow the latest state
     */
    ReplicaFile(
            ReplicaHandle handle,
            ReplicaSnapshot snapshot,
            @Nullable RestoreTarget pinned,
            Duration timeout,
            Runnable onClose) {
        this.handle = handle;
        this.snapshot = snapshot;
        this.pinned = pinned;
        this.timeout = timeout;
        this.onClose = onClose;
        if (pinned == null) {
            handle.follow();
        }
    }

    private void use(ReplicaSnapshot next) {
        if (next != snapshot) {
            snapshot = next;
            page1 = null;
            ahead.clear();
            prefetchTrigger = Integer.MAX_VALUE;
            prefetchedEnd = 0;
            lastRunEnd = 0;
        }
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
        boolean issuedHere = false;
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
            stats.hit();
            handle.stats().hit();
        } else if (f != null && !f.isDone()) {
            stats.miss();
            handle.stats().miss();
        } else {
            PageFetcher.Lookup lookup = fetcher.page(snap, pgno, window, stats, this::keep);
            f = lookup.future();
            issuedHere = lookup.runEnd() >= 0;
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
        try {
            return await(snap, pgno, f);
        } catch (SqliteException e) {
            fetcher.invalidate(snap, pgno, f);
            ahead.clear();
            if (issuedHere || e.getCause() instanceof TimeoutException) {
                throw e;
            }
            // The read was issued earlier (read-ahead, another connection), maybe before the cause went away: try
            // once more with a read of our own.
            PageFetcher.Lookup retry = fetcher.page(snap, pgno, 1, stats, this::keep);
            try {
                return await(snap, pgno, retry.future());
            } catch (SqliteException again) {
                fetcher.invalidate(snap, pgno, retry.future());
                throw again;
            }
        }
    }

    private byte[] await(ReplicaSnapshot snap, int pgno, CompletableFuture<byte[]> f) throws SqliteException {
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

    /**
     * Takes a lock. Going from no lock to SHARED starts a read transaction: a connection that follows the latest
     * state takes the follower's newest snapshot here and keeps it until the lock drops (snapshot isolation).
     */
    @Override
    public void lock(int level) {
        if (lock == SqliteCodes.LOCK_NONE && level >= SqliteCodes.LOCK_SHARED && pinned == null) {
            ReplicaSnapshot latest = handle.current();
            if (latest != null && latest.txId().isAfter(snapshot.txId())) {
                use(latest);
            }
        }
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
                    pin(RestoreTarget.txId(parseTxId(value)));
                }
                return PragmaResult.of(snapshot.txId().toString());
            case "litevfs_time":
                if (value != null) {
                    RestoreTarget target;
                    try {
                        target = RestoreTarget.parseTime(unquote(value), Clock.systemUTC());
                    } catch (IllegalArgumentException e) {
                        throw new SqliteException(SqliteCodes.ERROR, "litevfs: " + e.getMessage());
                    }
                    pin(target instanceof RestoreTarget.Latest ? null : target);
                }
                return PragmaResult.of(timeText());
            case "litevfs_lag":
                return PragmaResult.of(Long.toString(lagSeconds()));
            default:
                return null;
        }
    }

    /** Returns whole seconds since the follower last confirmed the state, or -1 when not following. */
    long lagSeconds() {
        return pinned == null ? handle.lagSeconds() : -1;
    }

    private String timeText() {
        if (pinned instanceof RestoreTarget.AtTime t) {
            return t.time().toString();
        }
        return pinned == null ? "latest" : snapshot.timestamp().toString();
    }

    private static String unquote(String v) {
        String t = v.trim();
        if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0)) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    private static TxId parseTxId(String value) throws SqliteException {
        try {
            return TxId.parse(unquote(value));
        } catch (IllegalArgumentException e) {
            throw new SqliteException(SqliteCodes.ERROR, "litevfs: " + e.getMessage());
        }
    }

    /**
     * Pins the connection to a state, or follows the latest again ({@code null}). Refused inside a transaction, so
     * a transaction never sees two states.
     */
    private void pin(@Nullable RestoreTarget target) throws SqliteException {
        if (lock != SqliteCodes.LOCK_NONE) {
            throw new SqliteException(
                    SqliteCodes.ERROR, "litevfs: cannot change the point in time inside a transaction");
        }
        ReplicaSnapshot next;
        try {
            next = (target == null ? handle.latest() : handle.snapshot(target)).block(timeout.multipliedBy(2));
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            throw new SqliteException(SqliteCodes.ERROR, "litevfs: " + cause.getMessage(), cause);
        }
        if (next == null) {
            throw new SqliteException(SqliteCodes.ERROR, "litevfs: loading " + target + " timed out");
        }
        boolean wasFollowing = pinned == null;
        pinned = target;
        if (wasFollowing && target != null) {
            handle.unfollow();
        } else if (!wasFollowing && target == null) {
            handle.follow();
        }
        use(next);
    }

    @Override
    public int deviceCharacteristics() {
        return 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pinned == null) {
            handle.unfollow();
        }
        onClose.run();
    }

    int lockLevel() {
        return lock;
    }
}

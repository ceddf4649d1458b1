package io.litevfs.engine.internal.read;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.internal.ltx.LtxFormatException;
import io.litevfs.engine.internal.ltx.LtxPageFrames;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import reactor.core.Exceptions;
import reactor.util.retry.Retry;

/**
 * Turns page misses into ranged reads.
 *
 * <p><b>Single flight.</b> The future of a page is installed in the {@link PageCache} before its read is issued, so
 * concurrent misses on one page — from any connection — share one request.
 *
 * <p><b>Coalescing and read-ahead.</b> A miss on page P reads, in the same request, the frames of pages P+1, P+2,
 * ... that follow P's frame directly in the same LTX file, up to {@code window} pages and {@link #MAX_RANGE_BYTES};
 * frames already cached are read over (a few KiB) rather than splitting the request. The caller picks the window
 * (1 for random access, growing during a scan) and may {@link #prefetch} the next run without waiting. Pages of one
 * file are stored in page order, so a scan over a freshly written region turns into a few large reads.
 *
 * <p><b>Failure.</b> Retryable storage errors are retried by the engine's one policy (exponential back-off with
 * jitter, bounded); what remains fails the page's future, which also removes it from the cache, so the next read
 * tries again. Errors name the replica and the file.
 *
 * <p>Parallelism is bounded by the callers: every miss is waited for by one SQLite thread, and the read-ahead
 * rides in the same request.
 */
public final class PageFetcher {

    /** The largest single ranged read the fetcher issues. */
    public static final int MAX_RANGE_BYTES = 2 << 20;

    private static final Retry RETRY = Retry.backoff(4, Duration.ofMillis(25))
            .maxBackoff(Duration.ofSeconds(1))
            .jitter(0.5)
            .filter(e -> e instanceof StorageException se && se.isRetryable())
            .onRetryExhaustedThrow((spec, signal) -> signal.failure());

    private final int replicaId;
    private final String replicaName;
    private final StorageClient client;
    private final PageCache cache;
    private final ReadStats replicaStats;

    /**
     * Creates a fetcher.
     *
     * @param replicaId distinguishes this replica's pages in a shared cache
     */
    public PageFetcher(int replicaId, String replicaName, StorageClient client, PageCache cache, ReadStats stats) {
        this.replicaId = replicaId;
        this.replicaName = replicaName;
        this.client = client;
        this.cache = cache;
        this.replicaStats = stats;
    }

    private PageCache.Key key(ReplicaSnapshot snap, int pgno) {
        LtxFileInfo f = snap.fileOf(pgno);
        return new PageCache.Key(
                replicaId, f.level(), f.minTxId().value(), f.maxTxId().value(), snap.frameOffset(pgno));
    }

    /**
     * The outcome of {@link #page}: the page's future, whether it was already cached (and complete), and the last
     * page of the read this call issued (or -1 if it issued none).
     */
    public record Lookup(CompletableFuture<byte[]> future, boolean hit, int runEnd) {}

    /**
     * Where a read issued by {@link #page} or {@link #prefetch} puts its pages: the caller keeps these futures until
     * it reads the pages, because a full cache may refuse new entries (TinyLFU admission) before they are used.
     */
    @FunctionalInterface
    public interface RunSink {
        /** Receives the future of one page of the run. */
        void add(int pgno, CompletableFuture<byte[]> future);
    }

    /**
     * Returns a page that a file of the snapshot holds (check {@link ReplicaSnapshot#fileIndexOf} first).
     *
     * @param snap the snapshot
     * @param pgno the page
     * @param window how many pages to read at most, this one included
     * @param stats the caller's counters
     * @return the page's future (completing on a storage thread), and what was done to get it
     */
    public Lookup page(ReplicaSnapshot snap, int pgno, int window, ReadStats stats, RunSink sink) {
        PageCache.Key key = key(snap, pgno);
        CompletableFuture<byte[]> cached = cache.getIfPresent(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            stats.hit();
            replicaStats.hit();
            return new Lookup(cached, true, -1);
        }
        stats.miss();
        replicaStats.miss();
        if (cached != null) {
            return new Lookup(cached, false, -1);
        }
        CompletableFuture<ByteBuffer> range = new CompletableFuture<>();
        long start = snap.frameOffset(pgno);
        CompletableFuture<byte[]> first = range.thenApply(buf -> decode(snap, pgno, buf, start));
        CompletableFuture<byte[]> raced = cache.putIfAbsent(key, first);
        if (raced != null) {
            return new Lookup(raced, false, -1);
        }
        int runEnd = issueRun(snap, pgno, window, range, stats, sink);
        return new Lookup(first, false, runEnd);
    }

    /**
     * Drops a page's future from the cache if it is still the given (failed) one, so the next read fetches again.
     */
    public void invalidate(ReplicaSnapshot snap, int pgno, CompletableFuture<byte[]> failed) {
        cache.remove(key(snap, pgno), failed);
    }

    /**
     * Reads ahead without waiting: the run of up to {@code window} pages that starts at the first page from
     * {@code from} on that is neither cached nor being read, if it lies in one file.
     *
     * @return the last page the read covers, or {@code from - 1} if nothing was read
     */
    public int prefetch(ReplicaSnapshot snap, int from, int window, ReadStats stats, RunSink sink) {
        int limit = Math.min(snap.commit(), from + window - 1);
        for (int p = from; p <= limit; p++) {
            if (snap.fileIndexOf(p) < 0) {
                continue;
            }
            PageCache.Key key = key(snap, p);
            if (cache.getIfPresent(key) != null) {
                continue;
            }
            CompletableFuture<ByteBuffer> range = new CompletableFuture<>();
            long start = snap.frameOffset(p);
            int page = p;
            CompletableFuture<byte[]> future = range.thenApply(buf -> decode(snap, page, buf, start));
            if (cache.putIfAbsent(key, future) != null) {
                continue;
            }
            sink.add(p, future);
            return issueRun(snap, p, window - (p - from), range, stats, sink);
        }
        return from - 1;
    }

    /**
     * Puts a page into the cache from bytes already fetched for another purpose (the head or tail of a file read
     * while opening), if its whole frame lies in them and it is not cached yet.
     *
     * @param region bytes of the page's file starting at file offset {@code regionStart}
     */
    public void seed(ReplicaSnapshot snap, int pgno, ByteBuffer region, long regionStart) {
        long offset = snap.frameOffset(pgno);
        if (offset < regionStart || offset + snap.frameSize(pgno) > regionStart + region.remaining()) {
            return;
        }
        PageCache.Key key = key(snap, pgno);
        if (cache.getIfPresent(key) != null) {
            return;
        }
        try {
            cache.putIfAbsent(key, CompletableFuture.completedFuture(decode(snap, pgno, region, regionStart)));
        } catch (ReplicaException e) {
            // A damaged frame is reported when SQLite actually reads the page, by the normal path.
        }
    }

    /**
     * Extends a run that starts at {@code pgno} (whose future is installed and completes from {@code range}) over
     * the frames that follow it directly in the same file, installing futures for the pages not yet cached and
     * reading over those that are, then issues the one ranged read.
     */
    private int issueRun(
            ReplicaSnapshot snap,
            int pgno,
            int window,
            CompletableFuture<ByteBuffer> range,
            ReadStats stats,
            RunSink sink) {
        int fileIndex = snap.fileIndexOf(pgno);
        LtxFileInfo file = snap.files().get(fileIndex);
        long start = snap.frameOffset(pgno);
        long end = start + snap.frameSize(pgno);
        int last = pgno;
        int pages = 1;
        for (int q = pgno + 1; q - pgno < window && q <= snap.commit(); q++) {
            if (snap.fileIndexOf(q) != fileIndex || snap.frameOffset(q) != end) {
                break;
            }
            long next = end + snap.frameSize(q);
            if (next - start > MAX_RANGE_BYTES) {
                break;
            }
            int page = q;
            CompletableFuture<byte[]> future = range.thenApply(buf -> decode(snap, page, buf, start));
            if (cache.putIfAbsent(key(snap, q), future) == null) {
                sink.add(q, future);
                pages++;
            }
            end = next;
            last = q;
        }
        int length = (int) (end - start);
        int fetched = pages;
        stats.request();
        replicaStats.request();
        client.readRange(file, start, length)
                .retryWhen(RETRY)
                .subscribe(
                        buf -> {
                            stats.fetched(fetched);
                            replicaStats.fetched(fetched);
                            addBytes(stats, buf.remaining());
                            range.complete(buf);
                        },
                        e -> range.completeExceptionally(readError(file, start, length, e)),
                        () -> {
                            if (!range.isDone()) {
                                range.completeExceptionally(readError(
                                        file, start, length, new IllegalStateException("storage returned nothing")));
                            }
                        });
        return last;
    }

    private void addBytes(ReadStats stats, int n) {
        stats.addBytes(n);
        replicaStats.addBytes(n);
    }

    private byte[] decode(ReplicaSnapshot snap, int pgno, ByteBuffer range, long rangeStart) {
        LtxFileInfo file = snap.fileOf(pgno);
        long offset = snap.frameOffset(pgno);
        int rel = (int) (offset - rangeStart);
        int size = snap.frameSize(pgno);
        String source = replicaName + " " + file.describe();
        if (rel + size > range.remaining()) {
            throw new ReplicaException.Corrupt(
                    source + ": at offset " + offset + ": expected a " + size + "-byte frame for page " + pgno
                            + " but the file ends early (truncated?)",
                    null);
        }
        byte[] page = new byte[snap.pageSize()];
        try {
            LtxPageFrames.decodeFrame(
                    range.slice(range.position() + rel, size), pgno, snap.pageSize(), page, source, offset);
        } catch (LtxFormatException e) {
            throw new ReplicaException.Corrupt(e.getMessage(), e);
        }
        return page;
    }

    private ReplicaException readError(LtxFileInfo file, long offset, int length, Throwable e) {
        Throwable cause = Exceptions.unwrap(e);
        return new ReplicaException(
                replicaName + " " + file.describe() + ": reading bytes " + offset + "-" + (offset + length - 1)
                        + " failed: " + cause.getMessage(),
                cause);
    }
}

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
 * ... that follow P's frame directly in the same LTX file and are not cached, up to {@code window} pages and
 * {@link #MAX_RANGE_BYTES}. The caller picks the window: 1 for random access, growing while a connection reads
 * sequentially (a scan). Pages of one file are stored in page order, so a scan over a freshly written region turns
 * into a few large reads instead of one request per page.
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
    public static final int MAX_RANGE_BYTES = 1 << 20;

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
     * Returns a page that a file of the snapshot holds (check {@link ReplicaSnapshot#fileIndexOf} first).
     *
     * @param snap the snapshot
     * @param pgno the page
     * @param window how many pages to read at most, this one included
     * @param stats the caller's counters
     * @return the decoded page; completes on a storage thread
     */
    public CompletableFuture<byte[]> page(ReplicaSnapshot snap, int pgno, int window, ReadStats stats) {
        PageCache.Key key = key(snap, pgno);
        CompletableFuture<byte[]> cached = cache.getIfPresent(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            stats.hit();
            replicaStats.hit();
            return cached;
        }
        stats.miss();
        replicaStats.miss();
        if (cached != null) {
            return cached;
        }

        int fileIndex = snap.fileIndexOf(pgno);
        LtxFileInfo file = snap.files().get(fileIndex);
        long start = snap.frameOffset(pgno);
        long end = start + snap.frameSize(pgno);
        CompletableFuture<ByteBuffer> range = new CompletableFuture<>();
        CompletableFuture<byte[]> first = range.thenApply(buf -> decode(snap, pgno, file, buf, start));
        CompletableFuture<byte[]> raced = cache.putIfAbsent(key, first);
        if (raced != null) {
            return raced;
        }
        int pages = 1;
        for (int q = pgno + 1; pages < window && q <= snap.commit(); q++) {
            if (snap.fileIndexOf(q) != fileIndex || snap.frameOffset(q) != end) {
                break;
            }
            long next = end + snap.frameSize(q);
            if (next - start > MAX_RANGE_BYTES) {
                break;
            }
            int page = q;
            if (cache.putIfAbsent(key(snap, q), range.thenApply(buf -> decode(snap, page, file, buf, start))) != null) {
                break;
            }
            end = next;
            pages++;
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
        return first;
    }

    private void addBytes(ReadStats stats, int n) {
        stats.addBytes(n);
        replicaStats.addBytes(n);
    }

    private byte[] decode(ReplicaSnapshot snap, int pgno, LtxFileInfo file, ByteBuffer range, long rangeStart) {
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

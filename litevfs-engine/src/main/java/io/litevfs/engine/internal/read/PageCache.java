package io.litevfs.engine.internal.read;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.CompletableFuture;

/**
 * The memory page cache: decoded pages keyed by what identifies immutable content — replica, LTX file (level and
 * TXID range) and frame offset — so an entry can never be stale; invalidation is only about memory.
 *
 * <p>Bounded in bytes (Caffeine's weigher, W-TinyLFU eviction). Values are futures, so a page being fetched is
 * already in the cache and concurrent misses on it wait for the same request (single flight); failed fetches
 * drop out by themselves. Shared by every connection of every replica of one {@code LiteVfs}.
 */
public final class PageCache {

    /** Identity of one page version. */
    public record Key(int replica, int level, long minTxId, long maxTxId, long offset) {}

    private final AsyncCache<Key, byte[]> cache;

    /**
     * Creates a cache.
     *
     * @param maxBytes the bound on the bytes of cached pages
     */
    public PageCache(long maxBytes) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, byte[] v) -> v.length + 64)
                .executor(Runnable::run)
                .buildAsync();
    }

    /** Returns the future of a page if it is cached or being fetched, else {@code null}. */
    public CompletableFuture<byte[]> getIfPresent(Key key) {
        return cache.getIfPresent(key);
    }

    /**
     * Installs a future for a page unless one is present.
     *
     * @return the future already present, or {@code null} if {@code future} was installed
     */
    public CompletableFuture<byte[]> putIfAbsent(Key key, CompletableFuture<byte[]> future) {
        return cache.asMap().putIfAbsent(key, future);
    }

    /** Removes a page's future if it is still {@code future}. */
    public void remove(Key key, CompletableFuture<byte[]> future) {
        cache.asMap().remove(key, future);
    }

    /** Returns the approximate number of cached pages. */
    public long estimatedSize() {
        return cache.synchronous().estimatedSize();
    }

    /** Drops everything. */
    public void clear() {
        cache.synchronous().invalidateAll();
    }
}

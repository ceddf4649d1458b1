package io.litevfs.engine.internal.read;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the read path: storage requests and bytes, page cache hits and misses. One instance per connection
 * (for {@code PRAGMA litevfs_stats}) and one per replica; the fetcher updates both.
 */
public final class ReadStats {

    private final LongAdder requests = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder pagesFetched = new LongAdder();

    void request() {
        requests.increment();
    }

    void addBytes(long n) {
        bytes.add(n);
    }

    /** Counts a page read served without waiting. */
    public void hit() {
        hits.increment();
    }

    /** Counts a page read that waited for storage. */
    public void miss() {
        misses.increment();
    }

    void fetched(int pages) {
        pagesFetched.add(pages);
    }

    /** Returns the number of ranged reads issued for pages. */
    public long requests() {
        return requests.sum();
    }

    /** Returns the bytes those reads returned. */
    public long bytes() {
        return bytes.sum();
    }

    /** Returns page reads served from the cache. */
    public long hits() {
        return hits.sum();
    }

    /** Returns page reads that waited for storage. */
    public long misses() {
        return misses.sum();
    }

    /** Returns pages decoded from storage reads (including read-ahead). */
    public long pagesFetched() {
        return pagesFetched.sum();
    }

    /** Returns the counters as a JSON object. */
    public String toJson() {
        return "{\"requests\":" + requests() + ",\"bytes\":" + bytes() + ",\"cache_hits\":" + hits()
                + ",\"cache_misses\":" + misses() + ",\"pages_fetched\":" + pagesFetched() + "}";
    }
}

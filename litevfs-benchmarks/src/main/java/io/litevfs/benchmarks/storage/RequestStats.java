package io.litevfs.benchmarks.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Storage traffic of one replica location: requests by kind, bytes read, and <em>sequential round trips</em>.
 *
 * <p>A round trip starts when a request starts while no other request is in flight; requests that overlap share
 * it. So a phase that issues 20 requests in parallel costs 1 round trip, and one that waits for each answer before
 * asking the next costs 20. With a fixed per-request delay {@code d}, a phase whose requests form {@code n} round
 * trips takes at least {@code n × d}: round trips are the machine-independent part of latency.
 *
 * <p>A request is in flight from its subscription (before the injected delay) until it terminates (value, error or
 * cancellation). Counters are thread-safe; {@link #reset()} between phases, when nothing is in flight.
 */
public final class RequestStats {

    private static final Map<String, RequestStats> REGISTRY = new ConcurrentHashMap<>();

    private final AtomicLong lists = new AtomicLong();
    private final AtomicLong rangeReads = new AtomicLong();
    private final AtomicLong wholeReads = new AtomicLong();
    private final AtomicLong others = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    /** Creates counters that are not registered (for tests and direct use). */
    public RequestStats() {}

    /**
     * Returns the shared counters of a location, creating them on first use. Every {@link DelayedStorageClient}
     * opened by URL for that location counts into them, whatever its delay.
     *
     * @param key the location key: the absolute, normalised directory of a {@code delayed://} URL
     * @return the counters
     */
    public static RequestStats of(String key) {
        return REGISTRY.computeIfAbsent(key, k -> new RequestStats());
    }

    /** The kind of a request. */
    public enum Kind {
        /** {@code listLtxFiles}. */
        LIST,
        /** {@code readRange}. */
        READ_RANGE,
        /** {@code read} (whole file). */
        READ,
        /** Anything else (writes, deletes, small objects). */
        OTHER
    }

    /** Records that a request starts. */
    void start(Kind kind) {
        switch (kind) {
            case LIST -> lists.incrementAndGet();
            case READ_RANGE -> rangeReads.incrementAndGet();
            case READ -> wholeReads.incrementAndGet();
            case OTHER -> others.incrementAndGet();
        }
        int now = inFlight.incrementAndGet();
        if (now == 1) {
            roundTrips.incrementAndGet();
        }
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    /** Records that a request ends. */
    void end() {
        inFlight.decrementAndGet();
    }

    /** Adds bytes returned by a read. */
    void addBytes(long n) {
        bytes.addAndGet(n);
    }

    /** Zeroes the counters (requests in flight stay in flight). */
    public void reset() {
        lists.set(0);
        rangeReads.set(0);
        wholeReads.set(0);
        others.set(0);
        bytes.set(0);
        roundTrips.set(0);
        maxInFlight.set(inFlight.get());
    }

    /** Returns the counters now. */
    public Snapshot snapshot() {
        return new Snapshot(
                lists.get(),
                rangeReads.get(),
                wholeReads.get(),
                others.get(),
                bytes.get(),
                roundTrips.get(),
                inFlight.get(),
                maxInFlight.get());
    }

    /**
     * The counters at one moment.
     *
     * @param lists listings
     * @param rangeReads ranged reads
     * @param wholeReads whole-file reads
     * @param others other requests
     * @param bytes bytes returned by reads
     * @param roundTrips sequential round trips
     * @param inFlight requests in flight now
     * @param maxInFlight the most requests in flight at once since the last reset
     */
    public record Snapshot(
            long lists,
            long rangeReads,
            long wholeReads,
            long others,
            long bytes,
            long roundTrips,
            int inFlight,
            int maxInFlight) {

        /** Returns the number of requests of every kind. */
        public long requests() {
            return lists + rangeReads + wholeReads + others;
        }

        @Override
        public String toString() {
            return "requests=" + requests() + " (list=" + lists + " range=" + rangeReads + " read=" + wholeReads
                    + " other=" + others + ") bytes=" + bytes + " roundTrips=" + roundTrips + " maxInFlight="
                    + maxInFlight;
        }
    }
}

package io.litevfs.benchmarks.storage;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link StorageClient} that adds a fixed latency to every request of another one and counts the traffic in a
 * {@link RequestStats}: a stand-in for a remote store (20 ms is typical of same-region S3) in front of a local
 * directory, so benchmarks exercise the real engine path with a realistic, machine-independent latency.
 *
 * <p>The delay is a timer ({@code delaySubscription} on a Reactor scheduler), never a sleeping thread, so parallel
 * requests overlap exactly as they would against a store. Each request is counted when it is subscribed to and
 * stays in flight until it terminates; see {@link RequestStats} for round trips. Arguments are checked by the
 * delegate when a method is called, as the SPI requires.
 */
public final class DelayedStorageClient implements StorageClient {

    /** Set the system property {@code litevfs.bench.trace=true} to log every request start to stderr. */
    private static final boolean TRACE = Boolean.getBoolean("litevfs.bench.trace");

    private final StorageLocation location;
    private final StorageClient delegate;
    private final Duration delay;
    private final RequestStats stats;
    private final Scheduler timer;

    /**
     * Wraps a client.
     *
     * @param location the location this client reports (the {@code delayed://} URL)
     * @param delegate the client that serves the requests; closed with this one
     * @param delay the latency added to every request, {@code >= 0}
     * @param stats where requests are counted
     * @param timer the scheduler of the delay
     */
    public DelayedStorageClient(
            StorageLocation location, StorageClient delegate, Duration delay, RequestStats stats, Scheduler timer) {
        this.location = Objects.requireNonNull(location, "location");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.delay = Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        this.stats = Objects.requireNonNull(stats, "stats");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    /** Returns the counters. */
    public RequestStats stats() {
        return stats;
    }

    /** Returns the latency added to every request. */
    public Duration delay() {
        return delay;
    }

    @Override
    public StorageLocation location() {
        return location;
    }

    @Override
    public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
        return track(RequestStats.Kind.LIST, "L" + level, delegate.listLtxFiles(level, seek), false);
    }

    @Override
    public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
        return track(
                RequestStats.Kind.READ_RANGE,
                file.describe() + " @" + offset + "+" + length,
                delegate.readRange(file, offset, length));
    }

    @Override
    public Flux<ByteBuffer> read(LtxFileInfo file) {
        return track(RequestStats.Kind.READ, file.describe(), delegate.read(file), true);
    }

    @Override
    public Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        return track(
                RequestStats.Kind.OTHER,
                "create",
                delegate.createLtxFile(level, minTxId, maxTxId, timestamp, content, length));
    }

    @Override
    public Mono<Void> delete(Collection<LtxFileInfo> files) {
        return track(RequestStats.Kind.OTHER, "delete", delegate.delete(files));
    }

    @Override
    public Mono<StoredObject> readObject(String name) {
        return track(RequestStats.Kind.OTHER, name, delegate.readObject(name));
    }

    @Override
    public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
        return track(RequestStats.Kind.OTHER, name, delegate.writeObject(name, data, condition));
    }

    @Override
    public Mono<Void> deleteObject(String name, WriteCondition condition) {
        return track(RequestStats.Kind.OTHER, name, delegate.deleteObject(name, condition));
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "DelayedStorageClient[" + location + ", delay=" + delay.toMillis() + "ms, " + delegate + "]";
    }

    /*
     * A request ends at its first terminal signal, and a ranged read already at its value: the hooks below run
     * before the signal travels downstream, so a caller that issues its next request as soon as it has the answer
     * (a SQLite thread woken by the page it waited for) starts a new round trip instead of overlapping this one.
     */

    private <T> Mono<T> track(RequestStats.Kind kind, String what, Mono<T> request) {
        return Mono.defer(() -> {
            Runnable end = start(kind, what);
            Mono<T> delayed = delay.isZero() ? request : request.delaySubscription(delay, timer);
            return delayed.doOnNext(v -> {
                        if (v instanceof ByteBuffer b) {
                            stats.addBytes(b.remaining());
                        }
                        end.run();
                    })
                    .doOnSuccess(v -> end.run())
                    .doOnError(e -> end.run())
                    .doOnCancel(end);
        });
    }

    private <T> Flux<T> track(RequestStats.Kind kind, String what, Flux<T> request, boolean countBytes) {
        return Flux.defer(() -> {
            Runnable end = start(kind, what);
            Flux<T> delayed = delay.isZero() ? request : request.delaySubscription(delay, timer);
            return delayed.doOnNext(v -> {
                        if (countBytes && v instanceof ByteBuffer b) {
                            stats.addBytes(b.remaining());
                        }
                    })
                    .doOnComplete(end)
                    .doOnError(e -> end.run())
                    .doOnCancel(end);
        });
    }

    /** Counts a request start; returns the idempotent action that ends it. */
    private Runnable start(RequestStats.Kind kind, String what) {
        stats.start(kind);
        if (TRACE) {
            System.err.printf(
                    Locale.ROOT,
                    "[delayed] %d in flight, start %s %s%n",
                    stats.snapshot().inFlight(),
                    kind,
                    what);
        }
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                stats.end();
            }
        };
    }
}

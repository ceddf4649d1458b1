package io.litevfs.engine.internal.vfs;

import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.engine.internal.read.PageFetcher;
import io.litevfs.engine.internal.read.ReadStats;
import io.litevfs.engine.internal.read.ReplicaSnapshot;
import io.litevfs.engine.internal.read.SnapshotLoader;
import io.litevfs.engine.internal.replica.ReplicaOperations;
import io.litevfs.storage.StorageClient;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * One open replica: its storage client, the current {@link ReplicaSnapshot}, and the fetcher that serves pages
 * to every connection of the replica. Shared by every connection (SQLite's and {@code LiteDatabase}'s) that names
 * the same replica URL in one {@code LiteVfs}.
 */
public final class ReplicaHandle implements AutoCloseable {

    private final int id;
    private final String name;
    private final StorageClient client;
    private final ReplicaOperations ops;
    private final PageFetcher fetcher;
    private final ReadStats stats = new ReadStats();
    private final AtomicReference<ReplicaSnapshot> current = new AtomicReference<>();

    ReplicaHandle(int id, StorageClient client, PageCache cache) {
        this.id = id;
        this.name = client.location().toString();
        this.client = client;
        this.ops = new ReplicaOperations(client);
        this.fetcher = new PageFetcher(id, name, client, cache, stats);
    }

    /** Returns the replica URL, secrets redacted. */
    public String name() {
        return name;
    }

    int id() {
        return id;
    }

    /** Returns the fetcher. */
    public PageFetcher fetcher() {
        return fetcher;
    }

    /** Returns the replica-wide counters. */
    public ReadStats stats() {
        return stats;
    }

    /** Returns the storage client. */
    public StorageClient client() {
        return client;
    }

    /** Returns the latest snapshot, loading it on first use. */
    public Mono<ReplicaSnapshot> latest() {
        ReplicaSnapshot s = current.get();
        if (s != null) {
            return Mono.just(s);
        }
        return snapshot(RestoreTarget.latest()).doOnNext(loaded -> current.compareAndSet(null, loaded));
    }

    /** Loads the snapshot of a state. */
    public Mono<ReplicaSnapshot> snapshot(RestoreTarget target) {
        return ops.plan(target).flatMap(plan -> SnapshotLoader.load(client, plan));
    }

    @Override
    public void close() {
        client.close();
    }
}

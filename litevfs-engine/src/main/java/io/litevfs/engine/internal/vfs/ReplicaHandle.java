package io.litevfs.engine.internal.vfs;

import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.engine.internal.read.PageFetcher;
import io.litevfs.engine.internal.read.ReadStats;
import io.litevfs.engine.internal.read.ReplicaSnapshot;
import io.litevfs.engine.internal.read.SnapshotLoader;
import io.litevfs.engine.internal.replica.ReplicaOperations;
import io.litevfs.storage.StorageClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Map<String, ReplicaSnapshot.LoadedFile> loaded = new ConcurrentHashMap<>();

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

    /**
     * Returns the latest snapshot. Lists the replica (one request per level, in parallel) and reuses the current
     * snapshot if the plan has not changed; otherwise loads only the files it has not seen. Called when a
     * connection opens; a live follower that updates open connections comes with the poller.
     */
    public Mono<ReplicaSnapshot> latest() {
        return ops.plan(RestoreTarget.latest()).flatMap(plan -> {
            ReplicaSnapshot s = current.get();
            if (s != null && s.files().equals(plan.files())) {
                return Mono.just(s);
            }
            return SnapshotLoader.load(client, plan, loaded, this::seed).doOnNext(current::set);
        });
    }

    /** Loads the snapshot of a state. */
    public Mono<ReplicaSnapshot> snapshot(RestoreTarget target) {
        return ops.plan(target).flatMap(plan -> SnapshotLoader.load(client, plan, loaded, this::seed));
    }

    /** Puts the current version of pages whose frames arrived while loading into the cache (at most 4096). */
    private void seed(ReplicaSnapshot snapshot, java.util.List<java.util.List<SnapshotLoader.Region>> regions) {
        int budget = 4096;
        for (int pgno = 1; pgno <= snapshot.commit() && budget > 0; pgno++) {
            int fi = snapshot.fileIndexOf(pgno);
            if (fi < 0) {
                continue;
            }
            for (SnapshotLoader.Region r : regions.get(fi)) {
                fetcher.seed(snapshot, pgno, r.bytes(), r.offset());
            }
            budget--;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.litevfs.engine.internal.vfs;

import io.litevfs.engine.DbVersion;
import io.litevfs.engine.ReplicaEvent;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.engine.internal.read.PageFetcher;
import io.litevfs.engine.internal.read.ReadStats;
import io.litevfs.engine.internal.read.ReplicaSnapshot;
import io.litevfs.engine.internal.read.SnapshotLoader;
import io.litevfs.engine.internal.replica.ReplicaOperations;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * One open replica: its storage client, the current {@link ReplicaSnapshot}, the fetcher that serves pages to
 * every connection of the replica, and the follower that keeps the snapshot current. Shared by every connection
 * (SQLite's and {@code LiteDatabase}'s) that names the same replica URL in one runtime.
 *
 * <p><b>Following.</b> One poller per replica, whatever the number of connections: it runs while anything follows
 * the latest state (open connections on it, {@code versions()} subscribers) and stops when nothing does. Each
 * poll lists level 0 only from the current TXID + 1 (one small request); contiguous new files have their headers
 * and indexes fetched in parallel and are applied on top of the current snapshot ({@link
 * ReplicaSnapshot#extend}), one version per file. When level 0 has a gap — its files were compacted into a
 * higher level and deleted before the follower saw them (Litestream issue #1460) — the follower re-plans from all
 * levels and rebuilds its snapshot, reusing every file it has loaded, and says so with a {@link
 * ReplicaEvent.Type#RECOVERED} event instead of wedging.
 *
 * <p><b>Consistency.</b> Snapshots are immutable and replaced atomically; connections take the current one when a
 * read transaction starts (SHARED lock) and keep it until the transaction ends, so no statement ever sees a torn
 * state. Page cache entries are keyed by file and offset, so a new version never meets a stale page.
 *
 * <p><b>Failure.</b> A failed poll emits {@link ReplicaEvent.Type#POLL_FAILED} and the next poll tries again; the
 * current snapshot stays in use.
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
    private final Duration pollInterval;
    private final Scheduler timer;
    private final Clock clock;
    private final Sinks.Many<DbVersion> versions = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<ReplicaEvent> events = Sinks.many().multicast().directBestEffort();
    private final AtomicInteger followers = new AtomicInteger();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile @Nullable Disposable poller;
    private volatile @Nullable Instant lastPoll;
    private final AtomicInteger polls = new AtomicInteger();

    ReplicaHandle(int id, StorageClient client, PageCache cache, Duration pollInterval, Scheduler timer, Clock clock) {
        this.id = id;
        this.name = client.location().toString();
        this.client = client;
        this.ops = new ReplicaOperations(client);
        this.fetcher = new PageFetcher(id, name, client, cache, stats);
        this.pollInterval = pollInterval;
        this.timer = timer;
        this.clock = clock;
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

    /** Returns the snapshot the follower holds, or {@code null} before the first load. */
    public @Nullable ReplicaSnapshot current() {
        return current.get();
    }

    /** Returns the number of polls so far (for tests and the idle-cost benchmark). */
    public int polls() {
        return polls.get();
    }

    /**
     * Returns whole seconds since the last successful poll, or -1 if the replica has not been polled (nothing
     * follows it).
     */
    public long lagSeconds() {
        Instant last = lastPoll;
        return last == null ? -1 : Duration.between(last, clock.instant()).toSeconds();
    }

    /** Returns the versions the follower applies from now on. Subscribing makes the replica followed. */
    public Flux<DbVersion> versions() {
        return Flux.defer(() -> {
                    follow();
                    return versions.asFlux();
                })
                .doFinally(s -> unfollow());
    }

    /** Returns the follower's events from now on. */
    public Flux<ReplicaEvent> events() {
        return events.asFlux();
    }

    /**
     * Returns the latest snapshot: the follower's if the replica is followed and loaded (it is at most one poll
     * interval old), else a fresh plan (reusing the current snapshot if the plan has not changed and loading only
     * new files).
     */
    public Mono<ReplicaSnapshot> latest() {
        ReplicaSnapshot s = current.get();
        if (s != null && poller != null) {
            // While followed, only the poller moves the state forward, so that every version is published.
            return Mono.just(s);
        }
        return ops.plan(RestoreTarget.latest()).flatMap(plan -> {
            ReplicaSnapshot known = current.get();
            if (known != null && known.files().equals(plan.files())) {
                return Mono.just(known);
            }
            return load(plan).map(loadedSnapshot -> {
                ReplicaSnapshot prev = current.get();
                if (prev == null || loadedSnapshot.txId().compareTo(prev.txId()) >= 0) {
                    current.set(loadedSnapshot);
                }
                return loadedSnapshot;
            });
        });
    }

    /** Loads the snapshot of a state (a point in time is not followed). */
    public Mono<ReplicaSnapshot> snapshot(RestoreTarget target) {
        return ops.plan(target).flatMap(this::load);
    }

    private Mono<ReplicaSnapshot> load(RestorePlan plan) {
        return SnapshotLoader.load(client, plan, loaded, this::seed);
    }

    /** Registers something that follows the latest state; starts the poller for the first one. */
    public void follow() {
        if (followers.getAndIncrement() == 0) {
            synchronized (this) {
                if (poller == null) {
                    poller = Flux.interval(pollInterval, pollInterval, timer)
                            .onBackpressureDrop()
                            .concatMap(
                                    tick -> pollOnce().onErrorResume(e -> {
                                        events.tryEmitNext(new ReplicaEvent(
                                                ReplicaEvent.Type.POLL_FAILED,
                                                null,
                                                name + ": poll failed: "
                                                        + Exceptions.unwrap(e).getMessage(),
                                                clock.instant()));
                                        return Mono.empty();
                                    }),
                                    1)
                            .subscribe();
                }
            }
        }
    }

    /** Unregisters a follower; stops the poller after the last one. */
    public void unfollow() {
        if (followers.decrementAndGet() == 0) {
            synchronized (this) {
                if (followers.get() == 0 && poller != null) {
                    poller.dispose();
                    poller = null;
                    lastPoll = null;
                }
            }
        }
    }

    /** Polls once: lists new level-0 files and applies them, or recovers from a gap. */
    Mono<Void> pollOnce() {
        if (!polling.compareAndSet(false, true)) {
            return Mono.empty();
        }
        polls.incrementAndGet();
        return Mono.defer(() -> {
                    ReplicaSnapshot base = current.get();
                    if (base == null) {
                        return latest().then();
                    }
                    return client.listLtxFiles(0, base.txId().next())
                            .collectList()
                            .flatMap(files -> apply(base, files));
                })
                .doOnSuccess(v -> lastPoll = clock.instant())
                .doFinally(s -> polling.set(false));
    }

    private Mono<Void> apply(ReplicaSnapshot base, List<LtxFileInfo> listed) {
        List<LtxFileInfo> chain = new ArrayList<>();
        TxId cur = base.txId();
        boolean gap = false;
        for (LtxFileInfo f : listed) {
            if (!f.maxTxId().isAfter(cur)) {
                continue;
            }
            if (!f.minTxId().equals(cur.next())) {
                gap = true;
                break;
            }
            chain.add(f);
            cur = f.maxTxId();
        }
        if (chain.isEmpty() && !gap) {
            return Mono.empty();
        }
        if (chain.isEmpty()) {
            return recover(base);
        }
        return Flux.fromIterable(chain)
                .flatMapSequential(f -> {
                    ReplicaSnapshot.LoadedFile known = loaded.get(f.describe());
                    return known != null
                            ? Mono.just(known)
                            : SnapshotLoader.loadFile(client, name, f).doOnNext(l -> loaded.put(f.describe(), l));
                })
                .collectList()
                .doOnNext(files -> {
                    ReplicaSnapshot snap = base;
                    List<DbVersion> applied = new ArrayList<>();
                    for (ReplicaSnapshot.LoadedFile f : files) {
                        snap = snap.extend(name, List.of(f));
                        applied.add(new DbVersion(
                                snap.txId(), snap.timestamp(), f.index().size(), snap.commit()));
                    }
                    publish(snap, applied);
                })
                .then();
    }

    /** Rebuilds the snapshot from all levels after a level-0 gap. */
    private Mono<Void> recover(ReplicaSnapshot base) {
        return ops.plan(RestoreTarget.latest())
                .flatMap(this::load)
                .doOnNext(snap -> {
                    if (!snap.txId().isAfter(base.txId())) {
                        return;
                    }
                    events.tryEmitNext(new ReplicaEvent(
                            ReplicaEvent.Type.RECOVERED,
                            snap.txId(),
                            name + ": level 0 has a gap after TXID " + base.txId()
                                    + " (compacted away); rebuilt the state" + " from all levels at TXID "
                                    + snap.txId(),
                            clock.instant()));
                    int pages = 0;
                    for (int p = 1; p <= snap.commit(); p++) {
                        if (snap.fileIndexOf(p) >= 0
                                && snap.files()
                                        .get(snap.fileIndexOf(p))
                                        .maxTxId()
                                        .isAfter(base.txId())) {
                            pages++;
                        }
                    }
                    publish(snap, List.of(new DbVersion(snap.txId(), snap.timestamp(), pages, snap.commit())));
                })
                .then();
    }

    private void publish(ReplicaSnapshot snap, List<DbVersion> applied) {
        current.set(snap);
        for (DbVersion v : applied) {
            events.tryEmitNext(new ReplicaEvent(
                    ReplicaEvent.Type.VERSION, v.txId(), name + ": applied TXID " + v.txId(), clock.instant()));
            versions.tryEmitNext(v);
        }
    }

    /** Puts the current version of pages whose frames arrived while loading into the cache (at most 4096). */
    private void seed(ReplicaSnapshot snapshot, List<List<SnapshotLoader.Region>> regions) {
        int budget = 4096;
        for (int pgno = 1; pgno <= snapshot.commit() && budget > 0; pgno++) {
            int fi = snapshot.fileIndexOf(pgno);
            if (fi < 0 || fi >= regions.size()) {
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
        Disposable p = poller;
        if (p != null) {
            p.dispose();
        }
        versions.tryEmitComplete();
        events.tryEmitComplete();
        client.close();
    }
}

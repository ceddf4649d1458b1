package io.litevfs.engine.internal.read;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.internal.ltx.LtxFormatException;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.ltx.PageIndex;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads the header and page index of every file of a plan and builds a {@link ReplicaSnapshot}.
 *
 * <p><b>Round trips.</b> All files are fetched in parallel, so opening costs one round trip after the listing,
 * whatever the number of files: a file no larger than {@link #WHOLE_FILE_BYTES} is read whole; a larger one with
 * two parallel requests, its first {@link #HEAD_BYTES} (the header, and in most files page 1 and its neighbours)
 * and a tail sized to hold its index ({@link #tailBytes}). Only an index larger than that tail costs one more round
 * trip, as in Litestream.
 *
 * <p><b>Seeding.</b> The frames that arrive with those reads are not thrown away: the current version of every page
 * whose frame lies in them goes into the page cache ({@link Seeder}), so the first statement does not pay another
 * round trip for page 1.
 *
 * <p>Headers and indexes are cached by file identity; LTX files are immutable, so a new version costs only its new
 * files.
 */
public final class SnapshotLoader {

    /** Files up to this size are read whole. */
    public static final int WHOLE_FILE_BYTES = 64 * 1024;

    /** Bytes read from the start of a larger file. */
    public static final int HEAD_BYTES = 64 * 1024;

    private static final int MIN_TAIL = 32 * 1024;
    private static final int MAX_TAIL = 2 << 20;
    private static final int CONCURRENCY = 64;

    /** Receives the snapshot and the bytes fetched while loading it, to seed the page cache. */
    @FunctionalInterface
    public interface Seeder {
        /**
         * Called once per load.
         *
         * @param snapshot the new snapshot
         * @param regions bytes fetched from plan files, by index into {@link ReplicaSnapshot#files()}
         */
        void seed(ReplicaSnapshot snapshot, List<List<Region>> regions);
    }

    /**
     * Bytes of a file from {@code offset} on.
     *
     * @param offset the file offset of the first byte
     * @param bytes the bytes, positioned at 0
     */
    public record Region(long offset, ByteBuffer bytes) {}

    private record Fetched(ReplicaSnapshot.LoadedFile file, List<Region> regions) {}

    private SnapshotLoader() {}

    /** Returns the tail read for a file: enough for the index of most files, 32 KiB..2 MiB. */
    static int tailBytes(long size) {
        return (int) Math.max(MIN_TAIL, Math.min(MAX_TAIL, size / 128));
    }

    /** Loads a plan without caching or seeding. */
    public static Mono<ReplicaSnapshot> load(StorageClient client, RestorePlan plan) {
        return load(client, plan, new ConcurrentHashMap<>(), (s, r) -> {});
    }

    /**
     * Loads a plan.
     *
     * @param loaded files loaded earlier, keyed by {@link LtxFileInfo#describe()}; new ones are added
     * @param seeder receives the bytes fetched, to seed the page cache
     */
    public static Mono<ReplicaSnapshot> load(
            StorageClient client, RestorePlan plan, Map<String, ReplicaSnapshot.LoadedFile> loaded, Seeder seeder) {
        String replica = client.location().toString();
        return Flux.fromIterable(plan.files())
                .flatMapSequential(
                        f -> {
                            ReplicaSnapshot.LoadedFile known = loaded.get(f.describe());
                            return known != null
                                    ? Mono.just(new Fetched(known, List.of()))
                                    : fetch(client, replica, f).doOnNext(l -> loaded.put(f.describe(), l.file()));
                        },
                        CONCURRENCY)
                .collectList()
                .map(fetched -> {
                    List<ReplicaSnapshot.LoadedFile> files = new ArrayList<>(fetched.size());
                    List<List<Region>> regions = new ArrayList<>(fetched.size());
                    for (Fetched f : fetched) {
                        files.add(f.file());
                        regions.add(f.regions());
                    }
                    ReplicaSnapshot snapshot = ReplicaSnapshot.build(replica, plan, files);
                    seeder.seed(snapshot, regions);
                    return snapshot;
                });
    }

    /** Loads one file's header and index. */
    public static Mono<ReplicaSnapshot.LoadedFile> loadFile(StorageClient client, String replica, LtxFileInfo f) {
        return fetch(client, replica, f).map(Fetched::file);
    }

    private static Mono<Fetched> fetch(StorageClient client, String replica, LtxFileInfo f) {
        String source = replica + " " + f.describe();
        long size = f.size();
        if (size <= WHOLE_FILE_BYTES) {
            return client.readRange(f, 0, (int) size).handle((all, sink) -> {
                try {
                    LtxHeader h = header(all, f, source);
                    checkSize(all, size, source);
                    sink.next(new Fetched(
                            new ReplicaSnapshot.LoadedFile(f, h, index(all, h, size, source)),
                            List.of(new Region(0, all))));
                } catch (LtxFormatException e) {
                    sink.error(new ReplicaException.Corrupt(e.getMessage(), e));
                }
            });
        }
        int tailLength = (int) Math.min(tailBytes(size), size - LtxHeader.SIZE);
        long tailStart = size - tailLength;
        int headLength = (int) Math.min(HEAD_BYTES, tailStart);
        Mono<ByteBuffer> head = client.readRange(f, 0, headLength);
        Mono<ByteBuffer> tail = client.readRange(f, tailStart, tailLength);
        return Mono.zip(head, tail).flatMap(t -> {
            try {
                ByteBuffer headBuf = t.getT1();
                LtxHeader h = header(headBuf, f, source);
                ByteBuffer tailBuf = t.getT2();
                checkSize(tailBuf, tailLength, source);
                List<Region> regions = List.of(new Region(0, headBuf), new Region(tailStart, tailBuf));
                PageIndex.Location loc = PageIndex.locate(tailBuf, size, source);
                if (loc.isWithinTail(tailLength)) {
                    return Mono.just(new Fetched(
                            new ReplicaSnapshot.LoadedFile(f, h, index(tailBuf, h, size, source)), regions));
                }
                // A large index: fetch it (from its end marker to the end of the file) with one more request.
                long from = loc.endMarkerOffset();
                return client.readRange(f, from, (int) (size - from)).handle((rest, sink) -> {
                    try {
                        checkSize(rest, size - from, source);
                        sink.next(new Fetched(
                                new ReplicaSnapshot.LoadedFile(f, h, index(rest, h, size, source)), regions));
                    } catch (LtxFormatException e) {
                        sink.error(new ReplicaException.Corrupt(e.getMessage(), e));
                    }
                });
            } catch (LtxFormatException e) {
                return Mono.error(new ReplicaException.Corrupt(e.getMessage(), e));
            }
        });
    }

    private static LtxHeader header(ByteBuffer buf, LtxFileInfo f, String source) throws LtxFormatException {
        if (buf.remaining() < LtxHeader.SIZE) {
            throw new LtxFormatException(
                    source, buf.remaining(), "expected a 100-byte header, the file has " + buf.remaining() + " bytes");
        }
        LtxHeader h = LtxHeader.decode(buf.duplicate(), source);
        if (!h.minTxId().equals(f.minTxId()) || !h.maxTxId().equals(f.maxTxId())) {
            throw new LtxFormatException(
                    source,
                    16,
                    "header TXID range " + h.minTxId() + "-" + h.maxTxId() + " does not match the file name");
        }
        return h;
    }

    private static void checkSize(ByteBuffer buf, long expected, String source) throws LtxFormatException {
        if (buf.remaining() != expected) {
            throw new LtxFormatException(
                    source,
                    buf.remaining(),
                    "expected " + expected + " bytes as listed, read " + buf.remaining()
                            + " (file truncated or changed?)");
        }
    }

    private static PageIndex index(ByteBuffer tail, LtxHeader h, long size, String source) throws LtxFormatException {
        PageIndex index = PageIndex.decodeFromTail(tail.duplicate(), size, source);
        index.validateFor(
                h, source, PageIndex.locate(tail.duplicate(), size, source).offset());
        return index;
    }
}

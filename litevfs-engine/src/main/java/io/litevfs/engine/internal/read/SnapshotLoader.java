package io.litevfs.engine.internal.read;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.internal.ltx.LtxFormatException;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.ltx.PageIndex;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import java.nio.ByteBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads the header and page index of every file of a plan and builds a {@link ReplicaSnapshot}.
 *
 * <p><b>Round trips.</b> All files are fetched in parallel, so opening costs one round trip whatever the number of
 * files: a file no larger than {@link #TAIL_BYTES} is read whole in one request; a larger one costs two requests
 * in parallel, the 100-byte header and the last {@link #TAIL_BYTES} (which hold the index of any file with up to
 * a few thousand pages). Only a file whose index is larger than the tail needs a second round trip for the rest of
 * its index, as in Litestream.
 */
public final class SnapshotLoader {

    /** Bytes read from the end of a file to find its index, as Litestream does. */
    public static final int TAIL_BYTES = 32 * 1024;

    private static final int CONCURRENCY = 64;

    private SnapshotLoader() {}

    /**
     * Loads a plan.
     *
     * @param client the storage
     * @param plan the plan
     * @return the snapshot; {@link ReplicaException.Corrupt} naming the file for a malformed header or index
     */
    public static Mono<ReplicaSnapshot> load(StorageClient client, RestorePlan plan) {
        return load(client, plan, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /**
     * Loads a plan, reusing files loaded before: LTX files are immutable, so a file's header and index, once
     * loaded, are valid for every later plan that contains it, and a new version costs only its new files.
     *
     * @param loaded files loaded earlier, keyed by {@link LtxFileInfo#describe()}; new ones are added
     */
    public static Mono<ReplicaSnapshot> load(
            StorageClient client, RestorePlan plan, java.util.Map<String, ReplicaSnapshot.LoadedFile> loaded) {
        String replica = client.location().toString();
        return Flux.fromIterable(plan.files())
                .flatMapSequential(
                        f -> {
                            ReplicaSnapshot.LoadedFile known = loaded.get(f.describe());
                            return known != null
                                    ? Mono.just(known)
                                    : loadFile(client, replica, f).doOnNext(l -> loaded.put(f.describe(), l));
                        },
                        CONCURRENCY)
                .collectList()
                .map(files -> ReplicaSnapshot.build(replica, plan, files));
    }

    /** Loads one file's header and index. */
    public static Mono<ReplicaSnapshot.LoadedFile> loadFile(StorageClient client, String replica, LtxFileInfo f) {
        String source = replica + " " + f.describe();
        long size = f.size();
        if (size <= TAIL_BYTES) {
            return client.readRange(f, 0, (int) size).handle((all, sink) -> {
                try {
                    LtxHeader h = header(all, f, source);
                    checkSize(all, size, source);
                    sink.next(new ReplicaSnapshot.LoadedFile(f, h, index(all, h, size, source)));
                } catch (LtxFormatException e) {
                    sink.error(new ReplicaException.Corrupt(e.getMessage(), e));
                }
            });
        }
        Mono<ByteBuffer> head = client.readRange(f, 0, LtxHeader.SIZE);
        Mono<ByteBuffer> tail = client.readRange(f, size - TAIL_BYTES, TAIL_BYTES);
        return Mono.zip(head, tail).flatMap(t -> {
            try {
                LtxHeader h = header(t.getT1(), f, source);
                ByteBuffer tailBuf = t.getT2();
                checkSize(tailBuf, TAIL_BYTES, source);
                PageIndex.Location loc = PageIndex.locate(tailBuf, size, source);
                if (loc.isWithinTail(TAIL_BYTES)) {
                    return Mono.just(new ReplicaSnapshot.LoadedFile(f, h, index(tailBuf, h, size, source)));
                }
                // A large index: fetch it (and the rest of the file up to the end) in one more request.
                long from = loc.offset() - 6;
                return client.readRange(f, from, (int) (size - from)).handle((rest, sink) -> {
                    try {
                        checkSize(rest, size - from, source);
                        sink.next(new ReplicaSnapshot.LoadedFile(f, h, index(rest, h, size, source)));
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

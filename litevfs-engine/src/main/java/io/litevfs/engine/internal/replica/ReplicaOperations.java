package io.litevfs.engine.internal.replica;

import io.litevfs.engine.ImportResult;
import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.ReplicaInfo;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.RestoreResult;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.ltx.LtxDecoder;
import io.litevfs.engine.internal.ltx.LtxEncoder;
import io.litevfs.engine.internal.ltx.LtxFormatException;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.plan.RestorePlanner;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The administrative operations behind {@link io.litevfs.engine.Replica}: listing, planning, restoring, importing
 * and describing.
 *
 * <p><b>Timestamps.</b> Time targets compare LTX header timestamps, fetched with one 100-byte ranged read per file
 * (in parallel, bounded) and cached by file identity: files are immutable, so the cache never goes stale.
 *
 * <p><b>Threads.</b> Storage calls are reactive; decoding into and out of local files is blocking and runs on
 * {@link Schedulers#boundedElastic()}, consuming storage streams with bounded prefetch.
 */
public final class ReplicaOperations {

    private static final int HEADER_CONCURRENCY = 16;
    private static final int READ_PREFETCH = 4;
    private static final int UPLOAD_CHUNK = 256 * 1024;

    private final StorageClient client;
    private final Map<FileKey, LtxHeader> headers = new ConcurrentHashMap<>();

    public ReplicaOperations(StorageClient client) {
        this.client = client;
    }

    private record FileKey(int level, TxId min, TxId max) {
        static FileKey of(LtxFileInfo f) {
            return new FileKey(f.level(), f.minTxId(), f.maxTxId());
        }
    }

    private String replicaName() {
        return client.location().toString();
    }

    /** Lists levels 0..9 in parallel. */
    public Mono<Map<Integer, List<LtxFileInfo>>> listAll() {
        return Flux.range(0, LtxFileInfo.MAX_LEVEL + 1)
                .flatMap(level ->
                        client.listLtxFiles(level, TxId.ZERO).collectList().map(files -> Map.entry(level, files)))
                .collect(TreeMap<Integer, List<LtxFileInfo>>::new, (m, e) -> m.put(e.getKey(), e.getValue()))
                .map(m -> {
                    m.values().removeIf(List::isEmpty);
                    return m;
                });
    }

    /** Fetches (once) and decodes the header of a file. */
    public Mono<LtxHeader> header(LtxFileInfo file) {
        LtxHeader cached = headers.get(FileKey.of(file));
        if (cached != null) {
            return Mono.just(cached);
        }
        return client.readRange(file, 0, LtxHeader.SIZE).handle((buf, sink) -> {
            try {
                if (buf.remaining() < LtxHeader.SIZE) {
                    throw new LtxFormatException(
                            source(file),
                            buf.remaining(),
                            "expected a 100-byte header, file has " + buf.remaining() + " bytes");
                }
                LtxHeader h = LtxHeader.decode(buf, source(file));
                checkIdentity(file, h);
                headers.put(FileKey.of(file), h);
                sink.next(h);
            } catch (LtxFormatException e) {
                sink.error(new ReplicaException.Corrupt(e.getMessage(), e));
            }
        });
    }

    private String source(LtxFileInfo file) {
        return replicaName() + " " + file.describe();
    }

    private void checkIdentity(LtxFileInfo file, LtxHeader h) throws LtxFormatException {
        if (!h.minTxId().equals(file.minTxId()) || !h.maxTxId().equals(file.maxTxId())) {
            throw new LtxFormatException(
                    source(file),
                    16,
                    "header TXID range " + h.minTxId() + "-" + h.maxTxId() + " does not match the file name");
        }
    }

    /** Plans a state; for time targets, fetches every file's header timestamp first. */
    public Mono<RestorePlan> plan(RestoreTarget target) {
        return listAll().flatMap(levels -> {
            Mono<Map<FileKey, Instant>> times = target instanceof RestoreTarget.AtTime
                    ? Flux.fromIterable(levels.values())
                            .flatMapIterable(l -> l)
                            .flatMap(
                                    f -> header(f).map(h -> Map.entry(FileKey.of(f), h.timestampInstant())),
                                    HEADER_CONCURRENCY)
                            .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                    : Mono.just(Map.of());
            return times.map(ts -> RestorePlanner.plan(replicaName(), levels, target, f -> {
                Instant t = ts.get(FileKey.of(f));
                // Without a time target, timestamps only break ties between identical ranges at one level,
                // which a store cannot hold; the store's time is good enough there.
                return t != null ? t : f.createdAt() != null ? f.createdAt() : Instant.EPOCH;
            }));
        });
    }

    /** Restores a state to a file. */
    public Mono<RestoreResult> restore(RestoreTarget target, Path output, boolean overwrite) {
        return plan(target).flatMap(plan -> Mono.fromCallable(() -> restoreBlocking(plan, output, overwrite))
                .subscribeOn(Schedulers.boundedElastic()));
    }

    private RestoreResult restoreBlocking(RestorePlan plan, Path output, boolean overwrite) throws IOException {
        Path out = output.toAbsolutePath();
        if (!overwrite && Files.exists(out)) {
            throw new FileAlreadyExistsException(
                    out.toString(), null, "output file exists (use overwrite to replace it)");
        }
        Path dir = out.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + out.getFileName() + ".restore-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean done = false;
        try {
            int pageSize = 0;
            long commit = 0;
            try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
                FileChannel ch = raf.getChannel();
                byte[] page = null;
                for (LtxFileInfo file : plan.files()) {
                    String source = source(file);
                    try (Stream<ByteBuffer> chunks = client.read(file).toStream(READ_PREFETCH);
                            InputStream in = new BufferStreamInputStream(chunks);
                            LtxDecoder decoder = new LtxDecoder(in, source)) {
                        LtxHeader h = decoder.header();
                        checkIdentity(file, h);
                        if (pageSize == 0) {
                            pageSize = h.pageSize();
                            page = new byte[pageSize];
                        } else if (h.pageSize() != pageSize) {
                            throw new ReplicaException.Corrupt(
                                    source + ": page size " + h.pageSize() + " differs from the page size " + pageSize
                                            + " of the earlier files",
                                    null);
                        }
                        int pgno;
                        while ((pgno = decoder.readPage(page)) != 0) {
                            ByteBuffer b = ByteBuffer.wrap(page);
                            long pos = (long) (pgno - 1) * pageSize;
                            while (b.hasRemaining()) {
                                ch.write(b, pos + b.position());
                            }
                        }
                        commit = h.commit();
                        raf.setLength(commit * pageSize);
                    } catch (LtxFormatException e) {
                        throw new ReplicaException.Corrupt(e.getMessage(), e);
                    }
                }
                ch.force(true);
            }
            if (overwrite) {
                for (String suffix : List.of("-wal", "-shm", "-journal")) {
                    Files.deleteIfExists(out.resolveSibling(out.getFileName() + suffix));
                }
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // A hard link fails atomically if the output appeared meanwhile: never clobber.
                Files.createLink(out, tmp);
                Files.delete(tmp);
            }
            done = true;
            return new RestoreResult(plan, out, pageSize, commit);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Imports a local database as the next TXID. */
    public Mono<ImportResult> importDatabase(Path database) {
        Mono<Optional<RestorePlan>> latest = plan(RestoreTarget.latest())
                .map(Optional::of)
                .onErrorResume(ReplicaException.NotAvailable.class, e -> listAll()
                        .flatMap(
                                levels -> levels.isEmpty() ? Mono.just(Optional.<RestorePlan>empty()) : Mono.error(e)));
        return latest.flatMap(p -> {
            TxId current = p.map(RestorePlan::txId).orElse(TxId.ZERO);
            Mono<Integer> pageSize = p.isEmpty()
                    ? Mono.just(0)
                    : header(p.get().files().get(p.get().files().size() - 1)).map(LtxHeader::pageSize);
            return pageSize.flatMap(ps -> Mono.fromCallable(() -> encodeSnapshot(database, current.next(), ps))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(encoded -> upload(encoded).doFinally(s -> deleteQuietly(encoded.file))));
        });
    }

    private record Encoded(Path file, long length, LtxHeader header, Path source, int pageCount) {}

    private Encoded encodeSnapshot(Path database, TxId txId, int expectedPageSize) throws IOException {
        Path tmp = Files.createTempFile("litevfs-import-", ".ltx");
        try (SqliteDatabaseFile db = SqliteDatabaseFile.open(database)) {
            if (expectedPageSize != 0 && db.pageSize() != expectedPageSize) {
                throw new ReplicaException(database + " has page size " + db.pageSize() + " but the replica "
                        + replicaName() + " uses " + expectedPageSize + "; import it into an empty replica instead");
            }
            LtxHeader header = new LtxHeader(
                    LtxHeader.FLAG_NO_CHECKSUM,
                    db.pageSize(),
                    db.pageCount(),
                    txId,
                    txId,
                    System.currentTimeMillis(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    0);
            int lockPage = LtxHeader.lockPageNumber(db.pageSize());
            byte[] page = new byte[db.pageSize()];
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    LtxEncoder encoder = new LtxEncoder(out, header)) {
                for (int pgno = 1; pgno <= db.pageCount(); pgno++) {
                    if (pgno == lockPage) {
                        continue;
                    }
                    db.readPage(pgno, page);
                    encoder.writePage(pgno, page, 0);
                }
                encoder.finish(0);
            }
            return new Encoded(tmp, Files.size(tmp), header, database, db.pageCount());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private Mono<ImportResult> upload(Encoded e) {
        Flux<ByteBuffer> content = Flux.using(
                        () -> FileChannel.open(e.file),
                        ch -> Flux.<ByteBuffer>generate(sink -> {
                            try {
                                ByteBuffer buf = ByteBuffer.allocate(UPLOAD_CHUNK);
                                int n = ch.read(buf);
                                if (n < 0) {
                                    sink.complete();
                                } else {
                                    sink.next(buf.flip());
                                }
                            } catch (IOException ex) {
                                sink.error(new UncheckedIOException(ex));
                            }
                        }),
                        ch -> {
                            try {
                                ch.close();
                            } catch (IOException ignored) {
                                // read-only channel: nothing was lost
                            }
                        })
                .subscribeOn(Schedulers.boundedElastic());
        TxId txId = e.header.minTxId();
        return client.createLtxFile(0, txId, txId, e.header.timestampInstant(), content, e.length)
                .onErrorMap(
                        StorageException.AlreadyExists.class,
                        ex -> new ReplicaException(
                                replicaName()
                                        + ": another writer created TXID " + txId
                                        + " while importing; nothing was overwritten, try"
                                        + " again",
                                ex))
                .map(info -> new ImportResult(e.source, info, e.header.pageSize(), e.pageCount));
    }

    /** Describes the replica. */
    public Mono<ReplicaInfo> info() {
        return listAll().flatMap(levels -> plan(RestoreTarget.latest())
                .flatMap(p -> header(p.files().get(p.files().size() - 1))
                        .map(h -> new ReplicaInfo(
                                replicaName(), levels, p, null, h.pageSize(), h.commit(), h.timestampInstant())))
                .onErrorResume(
                        ReplicaException.class,
                        e -> Mono.just(new ReplicaInfo(replicaName(), levels, null, e.getMessage(), 0, 0, null))));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}

package io.litevfs.engine.internal.storage.file;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link StorageClient} over a local directory, in the layout of Litestream's {@code file} backend: LTX files at
 * {@code <root>/ltx/<level in decimal>/<min>-<max>.ltx}, small objects (the lease) at {@code <root>/<name>}.
 *
 * <h2>Threads</h2>
 *
 * Every file system call runs on a bounded-elastic scheduler that this client owns ({@code litevfs-file-*} daemon
 * threads, created on demand and retired when idle) and disposes in {@link #close()}. Nothing happens before
 * subscription, and the subscribing thread never blocks. Results are emitted on the I/O thread. Whole-file reads
 * run their {@link Flux#generate generator} there too, one chunk per request, so demand is honoured and the
 * channel is closed by the generator's cleanup, which Reactor never runs concurrently with a generator call.
 *
 * <h2>Create-only LTX writes</h2>
 *
 * A new file is written to {@code .<name>.<random>.tmp} in the target directory, checked against the declared
 * length, forced to disk, given the LTX timestamp as its mtime (Litestream's file backend does the same, and
 * listings report it as the creation time), and then published with {@code link(2)}
 * ({@link Files#createLink}). {@code link} fails with {@code EEXIST} atomically when the name is taken, so of any
 * number of racing writers, in this process or others, exactly one wins and no file is ever overwritten or seen
 * half-written. The temporary name is then removed and the directory forced. The temporary file is deleted on
 * every other outcome: a lost race, a length mismatch, an error of the content publisher, and cancellation. A crash
 * can leave a {@code *.tmp} file behind; listings ignore such names, as Litestream does.
 *
 * <h2>Small objects</h2>
 *
 * Conditional object writes must be atomic across threads and processes. Each object has a sidecar lock file
 * {@code <root>/.litevfs/<name>.lock}; an operation holds an in-JVM lock for that path (a {@link FileLock} is
 * held per JVM, and a second {@code lock()} from the same JVM would throw rather than wait) and then an exclusive
 * {@link FileChannel#lock()} on the sidecar, reads the current content, checks the condition, and replaces the
 * object with a temporary file and an atomic rename. The sidecar also stores a generation counter that every write
 * and delete increments <em>before</em> touching the object, so the version, {@code <generation>-<content hash>},
 * changes on every write even when the same bytes are written back, and also after a crash between the two
 * steps. Readers take the same locks, so they always see a matching content and generation.
 *
 * <h2>Errors</h2>
 *
 * {@link NoSuchFileException} becomes {@link StorageException.NotFound}, {@link AccessDeniedException}
 * {@link StorageException.AccessDenied}, and any other {@link IOException} a plain {@link StorageException}; every
 * message names the operation and the path. Local I/O errors are not retryable.
 */
public final class FileStorageClient implements StorageClient {

    /** Size of the chunks a whole-file read emits. */
    static final int CHUNK_SIZE = 64 * 1024;

    /** Name of the directory under the root that holds the level directories. */
    static final String LTX_DIR = "ltx";

    /** Name of the directory under the root that holds the objects' sidecar lock files. */
    static final String LOCK_DIR = ".litevfs";

    private static final int THREAD_CAP = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    private static final int QUEUE_CAP = 100_000;
    private static final int THREAD_TTL_SECONDS = 60;
    private static final int WRITE_PREFETCH = 4;

    /**
     * In-JVM locks for object sidecars, striped by path. Static because a {@link FileLock} belongs to the whole JVM:
     * two clients of the same directory in one process must queue here rather than collide in {@code lock()}.
     */
    private static final ReentrantLock[] OBJECT_LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < OBJECT_LOCKS.length; i++) {
            OBJECT_LOCKS[i] = new ReentrantLock();
        }
    }

    private final StorageLocation location;
    private final Path root;
    private final Scheduler scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger openReadChannels = new AtomicInteger();

    /**
     * Creates a client for a {@code file} location. No I/O happens here; the directory is created by the first
     * write.
     *
     * @param location a location with scheme {@code file}
     */
    public FileStorageClient(StorageLocation location) {
        this.location = Objects.requireNonNull(location, "location");
        if (!FileStorageClientProvider.SCHEME.equals(location.scheme())) {
            throw new IllegalArgumentException("not a file location: " + location);
        }
        this.root = Path.of(location.path());
        this.scheduler = Schedulers.newBoundedElastic(THREAD_CAP, QUEUE_CAP, "litevfs-file", THREAD_TTL_SECONDS, true);
    }

    @Override
    public StorageLocation location() {
        return location;
    }

    /** Returns the replica's root directory. */
    public Path root() {
        return root;
    }

    // ---------------------------------------------------------------------------------------------------------
    // LTX files

    @Override
    public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
        LtxFileInfo.checkLevel(level);
        Objects.requireNonNull(seek, "seek");
        Path dir = levelDir(level);
        return io(() -> scanLevel(level, dir, seek)).flatMapIterable(files -> files);
    }

    private List<LtxFileInfo> scanLevel(int level, Path dir, TxId seek) {
        List<LtxFileInfo> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Optional<LtxFileInfo> parsed =
                        LtxFileInfo.parse(level, entry.getFileName().toString(), 0, null);
                if (parsed.isEmpty() || parsed.get().minTxId().isBefore(seek)) {
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (NoSuchFileException deletedMeanwhile) {
                    continue;
                }
                if (attrs.isRegularFile()) {
                    files.add(parsed.get()
                            .with(attrs.size(), attrs.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of(); // a level (or replica) nobody has written to yet
        } catch (IOException e) {
            throw error(e, "list ltx files", dir, "level=" + level);
        }
        files.sort(LtxFileInfo.TXID_ORDER);
        return files;
    }

    @Override
    public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
        StorageClient.checkRangeArguments(file, offset, length);
        Path path = ltxPath(file.level(), file.minTxId(), file.maxTxId());
        return io(() -> {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = channel.size();
                int n = offset >= size ? 0 : (int) Math.min(length, size - offset);
                ByteBuffer buf = ByteBuffer.allocate(n);
                while (buf.hasRemaining()) {
                    if (channel.read(buf, offset + buf.position()) < 0) {
                        break; // the file shrank under us; return what there is
                    }
                }
                return buf.flip();
            } catch (IOException e) {
                throw error(e, "read ltx range", path, "offset=" + offset + ", length=" + length);
            }
        });
    }

    @Override
    public Flux<ByteBuffer> read(LtxFileInfo file) {
        Objects.requireNonNull(file, "file");
        Path path = ltxPath(file.level(), file.minTxId(), file.maxTxId());
        return Flux.defer(() -> {
            if (closed.get()) {
                return Flux.error(closedError());
            }
            return Flux.<ByteBuffer, FileChannel>generate(
                            () -> open(path),
                            (channel, sink) -> {
                                try {
                                    ByteBuffer chunk = readChunk(channel);
                                    if (chunk == null) {
                                        sink.complete();
                                    } else {
                                        sink.next(chunk);
                                    }
                                } catch (IOException e) {
                                    sink.error(error(e, "read ltx file", path, "position=" + position(channel)));
                                }
                                return channel;
                            },
                            this::closeReadChannel)
                    .subscribeOn(scheduler);
        });
    }

    private FileChannel open(Path path) {
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            openReadChannels.incrementAndGet();
            return channel;
        } catch (IOException e) {
            throw error(e, "read ltx file", path, null);
        }
    }

    private void closeReadChannel(FileChannel channel) {
        closeQuietly(channel);
        openReadChannels.decrementAndGet();
    }

    /** Returns how many whole-file reads hold an open channel; tests use it to prove that channels are closed. */
    int openReadChannels() {
        return openReadChannels.get();
    }

    /** Reads the next chunk, or returns {@code null} at the end of the file. */
    private static @Nullable ByteBuffer readChunk(FileChannel channel) throws IOException {
        long remaining = channel.size() - channel.position();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.max(1, Math.min(CHUNK_SIZE, remaining)));
        while (chunk.hasRemaining()) {
            if (channel.read(chunk) < 0) {
                break;
            }
        }
        return chunk.position() == 0 ? null : chunk.flip();
    }

    private static String position(FileChannel channel) {
        try {
            return Long.toString(channel.position());
        } catch (IOException e) {
            return "?";
        }
    }

    @Override
    public Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        StorageClient.checkCreateArguments(level, minTxId, maxTxId, timestamp, content, length);
        Path target = ltxPath(level, minTxId, maxTxId);
        return Mono.usingWhen(
                io(() -> PendingFile.create(target, length)),
                pending -> content.publishOn(scheduler, WRITE_PREFETCH)
                        .<Void>handle((buf, sink) -> {
                            try {
                                pending.write(buf);
                            } catch (IOException e) {
                                sink.error(error(e, "create ltx file", pending.temp, null));
                            } catch (RuntimeException e) {
                                sink.error(e);
                            }
                        })
                        .then(Mono.fromCallable(() -> pending.commit(level, minTxId, maxTxId, timestamp))),
                this::discard,
                (pending, error) -> discard(pending),
                this::discard);
    }

    private Mono<Void> discard(PendingFile pending) {
        return Mono.fromRunnable(pending::discard).subscribeOn(scheduler).then();
    }

    @Override
    public Mono<Void> delete(Collection<LtxFileInfo> files) {
        List<Path> paths = new ArrayList<>(files.size());
        for (LtxFileInfo file : files) {
            paths.add(ltxPath(file.level(), file.minTxId(), file.maxTxId()));
        }
        return io(() -> {
                    for (Path path : paths) {
                        try {
                            Files.deleteIfExists(path);
                        } catch (IOException e) {
                            throw error(e, "delete ltx file", path, null);
                        }
                    }
                    return Boolean.TRUE;
                })
                .then();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small objects

    @Override
    public Mono<StoredObject> readObject(String name) {
        Path path = objectPath(StorageClient.checkObjectName(name));
        return io(() -> withObjectLock(name, "read object", sidecar -> {
            byte[] current = readIfExists(path);
            return current == null
                    ? null
                    : new StoredObject(
                            ByteBuffer.wrap(current).asReadOnlyBuffer(), version(sidecar.generation, current));
        }));
    }

    @Override
    public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
        Path path = objectPath(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        ByteBuffer source = data.duplicate();
        byte[] bytes = new byte[source.remaining()];
        source.get(bytes);
        return io(() -> withObjectLock(name, "write object", sidecar -> {
            byte[] current = readIfExists(path);
            check(condition, current, sidecar.generation, "write object", path);
            long generation = sidecar.increment();
            Path temp = tempPath(path);
            try {
                try (FileChannel channel =
                        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                    channel.force(true);
                }
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            forceDirectory(root);
            return version(generation, bytes);
        }));
    }

    @Override
    public Mono<Void> deleteObject(String name, WriteCondition condition) {
        Path path = objectPath(StorageClient.checkObjectName(name));
        Objects.requireNonNull(condition, "condition");
        if (condition.kind() == WriteCondition.Kind.IF_ABSENT) {
            throw new IllegalArgumentException("deleteObject does not accept " + condition);
        }
        return io(() -> withObjectLock(name, "delete object", sidecar -> {
                    byte[] current = readIfExists(path);
                    check(condition, current, sidecar.generation, "delete object", path);
                    if (current != null) {
                        sidecar.increment();
                        Files.deleteIfExists(path);
                        forceDirectory(root);
                    }
                    return Boolean.TRUE;
                }))
                .then();
    }

    private static void check(
            WriteCondition condition, byte @Nullable [] current, long generation, String operation, Path path) {
        switch (condition.kind()) {
            case NONE:
                return;
            case IF_ABSENT:
                if (current != null) {
                    throw new StorageException.PreconditionFailed(
                            operation + " failed: object exists [path=" + path + ", condition=" + condition + "]");
                }
                return;
            case IF_MATCH:
                if (current == null) {
                    throw new StorageException.PreconditionFailed(operation + " failed: object does not exist [path="
                            + path + ", condition=" + condition + "]");
                }
                String version = version(generation, current);
                if (!version.equals(condition.version())) {
                    throw new StorageException.PreconditionFailed(operation + " failed: version is " + version
                            + " [path=" + path + ", condition=" + condition + "]");
                }
                return;
            default:
                throw new IllegalStateException("unknown condition " + condition);
        }
    }

    /** The part of an object operation that runs under both locks. */
    @FunctionalInterface
    private interface LockedAction<T> {
        @Nullable
        T run(Sidecar sidecar) throws IOException;
    }

    private <T> @Nullable T withObjectLock(String name, String operation, LockedAction<T> action) {
        Path lockPath = root.resolve(LOCK_DIR).resolve(name + ".lock");
        ReentrantLock jvmLock = OBJECT_LOCKS[Math.floorMod(lockPath.hashCode(), OBJECT_LOCKS.length)];
        jvmLock.lock();
        try {
            Files.createDirectories(lockPath.getParent());
            try (FileChannel channel = FileChannel.open(
                            lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                return action.run(new Sidecar(channel));
            }
        } catch (IOException e) {
            throw error(e, operation, objectPath(name), null);
        } finally {
            jvmLock.unlock();
        }
    }

    /** The sidecar lock file, which also stores the object's generation (8 bytes, big-endian; absent = 0). */
    private static final class Sidecar {
        private final FileChannel channel;
        private final long generation;

        Sidecar(FileChannel channel) throws IOException {
            this.channel = channel;
            ByteBuffer buf = ByteBuffer.allocate(Long.BYTES);
            while (buf.hasRemaining()) {
                if (channel.read(buf, buf.position()) < 0) {
                    break;
                }
            }
            this.generation = buf.hasRemaining() ? 0 : buf.flip().getLong();
        }

        /** Stores and returns the next generation. */
        long increment() throws IOException {
            long next = generation + 1;
            ByteBuffer buf = ByteBuffer.allocate(Long.BYTES).putLong(next).flip();
            while (buf.hasRemaining()) {
                channel.write(buf, buf.position());
            }
            channel.force(false);
            return next;
        }
    }

    private static byte @Nullable [] readIfExists(Path path) throws IOException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Returns {@code <generation, 16 hex>-<first 128 bits of SHA-256, 32 hex>}. */
    static String version(long generation, byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return String.format(Locale.ROOT, "%016x-", generation)
                    + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e); // every JDK has it
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle and helpers

    /** Disposes the I/O threads. Operations subscribed afterwards fail; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.dispose();
        }
    }

    @Override
    public String toString() {
        return "FileStorageClient[" + root + "]";
    }

    /** Runs blocking work on the client's scheduler, lazily; a {@code null} result completes empty. */
    private <T> Mono<T> io(Callable<@Nullable T> work) {
        return Mono.defer(() -> closed.get()
                ? Mono.error(closedError())
                : Mono.fromCallable(work).subscribeOn(scheduler));
    }

    private StorageException closedError() {
        return new StorageException("file storage client is closed [root=" + root + "]");
    }

    Path levelDir(int level) {
        return root.resolve(LTX_DIR).resolve(Integer.toString(level));
    }

    Path ltxPath(int level, TxId min, TxId max) {
        return levelDir(level).resolve(LtxFileInfo.fileName(min, max));
    }

    private Path objectPath(String name) {
        return root.resolve(name);
    }

    /** Returns a fresh temporary name beside {@code target}: {@code .<name>.<random>.tmp}. */
    static Path tempPath(Path target) {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return target.resolveSibling("." + target.getFileName() + "." + random + ".tmp");
    }

    /**
     * Forces a directory's entries to disk, so that a new name survives a crash. Best effort: some platforms and
     * file systems refuse to open a directory for this, and the data itself was already forced.
     */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here; nothing more can be done
        }
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read channel loses nothing
        }
    }

    /** Maps an I/O error to the SPI's exception types, naming the operation and the path. */
    static StorageException error(IOException e, String operation, Path path, @Nullable String details) {
        String where = " [path=" + path + (details == null ? "" : ", " + details) + "]";
        if (e instanceof NoSuchFileException) {
            return new StorageException.NotFound(operation + " failed: not found" + where, e);
        }
        if (e instanceof AccessDeniedException) {
            return new StorageException.AccessDenied(operation + " failed: access denied" + where, e);
        }
        return new StorageException(operation + " failed: " + e + where, e);
    }

    /**
     * A temporary file being written for {@link #createLtxFile}. Its methods are synchronized because the content
     * arrives on one I/O thread while cancellation may discard the file from another; once discarded, further
     * writes are ignored (their results would be dropped anyway) and a commit fails.
     */
    private static final class PendingFile {
        private final Path target;
        private final Path temp;
        private final long length;
        private final FileChannel channel;
        private long written;
        private boolean discarded;

        private PendingFile(Path target, Path temp, long length, FileChannel channel) {
            this.target = target;
            this.temp = temp;
            this.length = length;
            this.channel = channel;
        }

        static PendingFile create(Path target, long length) {
            Path dir = target.getParent();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw error(e, "create ltx file", dir, "creating directory");
            }
            for (int attempt = 0; ; attempt++) {
                Path temp = tempPath(target);
                try {
                    FileChannel channel =
                            FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    return new PendingFile(target, temp, length, channel);
                } catch (FileAlreadyExistsException e) {
                    if (attempt == 3) {
                        throw error(e, "create ltx file", temp, "temporary file name collision");
                    }
                } catch (IOException e) {
                    throw error(e, "create ltx file", temp, null);
                }
            }
        }

        synchronized void write(ByteBuffer content) throws IOException {
            if (discarded) {
                return;
            }
            ByteBuffer buf = content.duplicate(); // the caller's position stays where it was
            if (written + buf.remaining() > length) {
                throw new IllegalArgumentException(
                        "content is longer than the declared length " + length + " [path=" + target + "]");
            }
            written += buf.remaining();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        synchronized LtxFileInfo commit(int level, TxId min, TxId max, Instant timestamp) throws IOException {
            if (discarded) {
                throw new StorageException("create ltx file failed: write was abandoned [path=" + target + "]");
            }
            if (written != length) {
                throw new IllegalArgumentException("content emitted " + written + " bytes but the declared length is "
                        + length + " [path=" + target + "]");
            }
            try {
                channel.force(true);
                channel.close();
                Files.setLastModifiedTime(temp, FileTime.from(timestamp));
                try {
                    Files.createLink(target, temp);
                } catch (FileAlreadyExistsException e) {
                    throw new StorageException.AlreadyExists(
                            "create ltx file failed: already exists [path=" + target + "]", e);
                } catch (UnsupportedOperationException e) {
                    throw new StorageException(
                            "create ltx file failed: the file system does not support hard links, which atomic"
                                    + " create-only writes need [path=" + target + "]",
                            e);
                }
                // Published: the write has succeeded, whatever happens to the tidying below.
                try {
                    Files.delete(temp);
                } catch (IOException e) {
                    // discard() tries again; listings ignore *.tmp names anyway
                }
                forceDirectory(target.getParent());
                Instant createdAt;
                try {
                    createdAt = Files.getLastModifiedTime(target).toInstant();
                } catch (IOException e) {
                    createdAt = timestamp;
                }
                return new LtxFileInfo(level, min, max, length, createdAt);
            } catch (IOException e) {
                throw error(e, "create ltx file", target, null);
            }
        }

        /** Closes and deletes the temporary file; idempotent, never throws. */
        synchronized void discard() {
            discarded = true;
            closeQuietly(channel);
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a crash could leave it too; listings ignore *.tmp names
            }
        }
    }
}

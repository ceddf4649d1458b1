package io.litevfs.testkit;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.StoredObject;
import io.litevfs.storage.WriteCondition;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A complete {@link StorageClient} that keeps a replica in the JVM's memory, for tests.
 *
 * <p>It honours the whole SPI contract (it passes {@link StorageClientConformanceTest}): operations are lazy,
 * listings are ordered and seekable, create-only writes and conditional object writes are atomic, emitted buffers
 * are copies owned by the caller. All work happens on the subscribing thread, because none of it blocks.
 *
 * <p>Replicas live in <em>stores</em>. {@link #create()} makes a client on a fresh private store; {@link
 * #open(String)} and the URL {@code memory://<name>[/<prefix>]} (through {@link
 * io.litevfs.storage.StorageClients#open(String)} and {@link InMemoryStorageClientProvider}) share a named store
 * with every other client of the same name and prefix in the JVM, until {@link #dropStore(String)}.
 *
 * <p>Each client counts the requests it serves, by {@link Operation}, and the LTX bytes it reads and writes, so that
 * engine tests can assert the storage traffic of an operation:
 *
 * <pre>{@code
 * InMemoryStorageClient storage = InMemoryStorageClient.create();
 * ... // write a replica
 * storage.resetCounters();
 * ... // open a database through the engine
 * assertThat(storage.requestCount(Operation.READ_RANGE)).isEqualTo(2);
 * }</pre>
 *
 * A request is counted when it is subscribed to, whether or not it then succeeds.
 */
public final class InMemoryStorageClient implements StorageClient {

    /** The kinds of request a client counts. */
    public enum Operation {
        /** {@link StorageClient#listLtxFiles}. */
        LIST,
        /** {@link StorageClient#readRange}. */
        READ_RANGE,
        /** {@link StorageClient#read}. */
        READ,
        /** {@link StorageClient#createLtxFile}. */
        CREATE,
        /** {@link StorageClient#delete}. */
        DELETE,
        /** {@link StorageClient#readObject}. */
        READ_OBJECT,
        /** {@link StorageClient#writeObject}. */
        WRITE_OBJECT,
        /** {@link StorageClient#deleteObject}. */
        DELETE_OBJECT
    }

    /** The scheme of in-memory replica URLs. */
    public static final String SCHEME = "memory";

    /** Size of the chunks a whole-file read emits. */
    public static final int CHUNK_SIZE = 64 * 1024;

    private static final ConcurrentMap<String, Store> NAMED_STORES = new ConcurrentHashMap<>();
    private static final AtomicLong PRIVATE_STORE_IDS = new AtomicLong();

    private final StorageLocation location;
    private final Store store;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLongArray requests = new AtomicLongArray(Operation.values().length);
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();

    private InMemoryStorageClient(StorageLocation location, Store store) {
        this.location = location;
        this.store = store;
    }

    /**
     * Creates a client on a new, empty store that no other client shares. Its location is {@code
     * memory://private-<n>}, a name that {@link #open(String)} never resolves to this store.
     *
     * @return the client
     */
    public static InMemoryStorageClient create() {
        StorageLocation location = StorageLocation.parse(SCHEME + "://private-" + PRIVATE_STORE_IDS.incrementAndGet());
        return new InMemoryStorageClient(location, new Store());
    }

    /**
     * Creates a client on the named store {@code memory://<name>}, creating the store if needed. Clients of the same
     * name see the same files and objects.
     *
     * @param name the store name, a URL authority such as {@code test-db}
     * @return the client
     * @throws StorageException.InvalidLocation if {@code name} is not a valid URL authority
     */
    public static InMemoryStorageClient open(String name) {
        return forLocation(StorageLocation.parse(SCHEME + "://" + Objects.requireNonNull(name, "name")));
    }

    /**
     * Creates a client for a {@code memory://name/prefix} location; the provider's factory.
     *
     * @param location a location with scheme {@code memory}
     * @return the client
     */
    static InMemoryStorageClient forLocation(StorageLocation location) {
        if (!SCHEME.equals(location.scheme())) {
            throw new StorageException.InvalidLocation("not a memory:// location: " + location);
        }
        Store store = NAMED_STORES.computeIfAbsent(storeKey(location.authority(), location.path()), k -> new Store());
        return new InMemoryStorageClient(location, store);
    }

    /**
     * Forgets a named store and all its prefixes. Clients already open keep the old contents; later {@link
     * #open(String)} calls start empty.
     *
     * @param name the store name given to {@link #open(String)}
     */
    public static void dropStore(String name) {
        NAMED_STORES.keySet().removeIf(key -> key.equals(name) || key.startsWith(name + "/"));
    }

    private static String storeKey(String authority, String path) {
        return path.isEmpty() ? authority : authority + "/" + path;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Counters

    /**
     * Returns how many requests of one kind this client has served since it was created or last reset.
     *
     * @param operation the kind of request
     * @return the count
     */
    public long requestCount(Operation operation) {
        return requests.get(operation.ordinal());
    }

    /** Returns how many requests of any kind this client has served since it was created or last reset. */
    public long requestCount() {
        long total = 0;
        for (int i = 0; i < requests.length(); i++) {
            total += requests.get(i);
        }
        return total;
    }

    /** Returns the number of LTX file bytes emitted by {@link #readRange} and {@link #read}. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Returns the number of LTX file bytes stored by successful {@link #createLtxFile} calls. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Sets every counter to zero. */
    public void resetCounters() {
        for (int i = 0; i < requests.length(); i++) {
            requests.set(i, 0);
        }
        bytesRead.set(0);
        bytesWritten.set(0);
    }

    private void count(Operation operation) {
        if (closed.get()) {
            throw new StorageException("in-memory storage client is closed [location=" + location + "]");
        }
        requests.incrementAndGet(operation.ordinal());
    }

    // ---------------------------------------------------------------------------------------------------------
    // StorageClient

    @Override
    public StorageLocation location() {
        return location;
    }

    @Override
    public Flux<LtxFileInfo> listLtxFiles(int level, TxId seek) {
        LtxFileInfo.checkLevel(level);
        Objects.requireNonNull(seek, "seek");
        return Flux.defer(() -> {
            count(Operation.LIST);
            // A weakly consistent view, iterated as the subscriber asks for more.
            ConcurrentNavigableMap<FileKey, Entry> tail =
                    store.levels.get(level).tailMap(new FileKey(seek, TxId.ZERO), true);
            return Flux.fromIterable(tail.entrySet())
                    .map(e -> new LtxFileInfo(
                            level, e.getKey().min, e.getKey().max, e.getValue().data.length, e.getValue().createdAt));
        });
    }

    @Override
    public Mono<ByteBuffer> readRange(LtxFileInfo file, long offset, int length) {
        StorageClient.checkRangeArguments(file, offset, length);
        return Mono.fromCallable(() -> {
            count(Operation.READ_RANGE);
            byte[] data = lookup(file, "read ltx range").data;
            int from = (int) Math.min(offset, data.length);
            int to = (int) Math.min((long) from + length, data.length);
            bytesRead.addAndGet(to - from);
            return ByteBuffer.wrap(Arrays.copyOfRange(data, from, to));
        });
    }

    @Override
    public Flux<ByteBuffer> read(LtxFileInfo file) {
        Objects.requireNonNull(file, "file");
        return Flux.defer(() -> {
            count(Operation.READ);
            byte[] data = lookup(file, "read ltx file").data;
            int chunks = (data.length + CHUNK_SIZE - 1) / CHUNK_SIZE;
            return Flux.range(0, chunks).map(i -> {
                int from = i * CHUNK_SIZE;
                int to = Math.min(from + CHUNK_SIZE, data.length);
                bytesRead.addAndGet(to - from);
                return ByteBuffer.wrap(Arrays.copyOfRange(data, from, to));
            });
        });
    }

    private Entry lookup(LtxFileInfo file, String operation) {
        Entry entry = store.levels.get(file.level()).get(new FileKey(file.minTxId(), file.maxTxId()));
        if (entry == null) {
            throw new StorageException.NotFound(
                    operation + " failed: not found [location=" + location + ", file=" + file.describe() + "]");
        }
        return entry;
    }

    @Override
    public Mono<LtxFileInfo> createLtxFile(
            int level, TxId minTxId, TxId maxTxId, Instant timestamp, Flux<ByteBuffer> content, long length) {
        LtxFileInfo.checkLevel(level);
        Objects.requireNonNull(minTxId, "minTxId");
        Objects.requireNonNull(maxTxId, "maxTxId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(content, "content");
        if (minTxId.isZero() || maxTxId.isBefore(minTxId)) {
            throw new IllegalArgumentException("invalid TXID range " + minTxId + "-" + maxTxId);
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("length must be 0.." + (Integer.MAX_VALUE - 8) + " but was " + length);
        }
        String describe = "L" + level + "/" + LtxFileInfo.fileName(minTxId, maxTxId);
        return Mono.defer(() -> {
            count(Operation.CREATE);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
            return content.doOnNext(buf -> {
                        ByteBuffer source = buf.duplicate();
                        if (out.size() + (long) source.remaining() > length) {
                            throw new IllegalArgumentException("content is longer than the declared length " + length
                                    + " [file=" + describe + "]");
                        }
                        byte[] bytes = new byte[source.remaining()];
                        source.get(bytes);
                        out.write(bytes, 0, bytes.length);
                    })
                    .then(Mono.fromCallable(() -> {
                        if (out.size() != length) {
                            throw new IllegalArgumentException("content emitted " + out.size()
                                    + " bytes but the declared length is " + length + " [file=" + describe + "]");
                        }
                        Entry entry = new Entry(out.toByteArray(), timestamp);
                        if (store.levels.get(level).putIfAbsent(new FileKey(minTxId, maxTxId), entry) != null) {
                            throw new StorageException.AlreadyExists("create ltx file failed: already exists [location="
                                    + location + ", file=" + describe + "]");
                        }
                        bytesWritten.addAndGet(length);
                        return new LtxFileInfo(level, minTxId, maxTxId, length, timestamp);
                    }));
        });
    }

    @Override
    public Mono<Void> delete(Collection<LtxFileInfo> files) {
        List<LtxFileInfo> copy = new ArrayList<>(files);
        return Mono.fromRunnable(() -> {
            count(Operation.DELETE);
            for (LtxFileInfo file : copy) {
                store.levels.get(file.level()).remove(new FileKey(file.minTxId(), file.maxTxId()));
            }
        });
    }

    @Override
    public Mono<StoredObject> readObject(String name) {
        StorageClient.checkObjectName(name);
        return Mono.fromCallable(() -> {
            count(Operation.READ_OBJECT);
            StoredValue value = store.objects.get(name);
            return value == null
                    ? null
                    : new StoredObject(ByteBuffer.wrap(value.data.clone()).asReadOnlyBuffer(), value.version);
        });
    }

    @Override
    public Mono<String> writeObject(String name, ByteBuffer data, WriteCondition condition) {
        StorageClient.checkObjectName(name);
        Objects.requireNonNull(condition, "condition");
        ByteBuffer source = data.duplicate();
        byte[] bytes = new byte[source.remaining()];
        source.get(bytes);
        return Mono.fromCallable(() -> {
            count(Operation.WRITE_OBJECT);
            StoredValue next = new StoredValue(bytes, "v" + store.versions.incrementAndGet());
            switch (condition.kind()) {
                case NONE:
                    store.objects.put(name, next);
                    break;
                case IF_ABSENT:
                    if (store.objects.putIfAbsent(name, next) != null) {
                        throw preconditionFailed("write object", name, condition);
                    }
                    break;
                case IF_MATCH:
                    StoredValue current = store.objects.get(name);
                    if (current == null
                            || !current.version.equals(condition.version())
                            || !store.objects.replace(name, current, next)) {
                        throw preconditionFailed("write object", name, condition);
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown condition " + condition);
            }
            return next.version;
        });
    }

    @Override
    public Mono<Void> deleteObject(String name, WriteCondition condition) {
        StorageClient.checkObjectName(name);
        Objects.requireNonNull(condition, "condition");
        if (condition.kind() == WriteCondition.Kind.IF_ABSENT) {
            throw new IllegalArgumentException("deleteObject does not accept " + condition);
        }
        return Mono.fromRunnable(() -> {
            count(Operation.DELETE_OBJECT);
            if (condition.kind() == WriteCondition.Kind.NONE) {
                store.objects.remove(name);
                return;
            }
            StoredValue current = store.objects.get(name);
            if (current == null
                    || !current.version.equals(condition.version())
                    || !store.objects.remove(name, current)) {
                throw preconditionFailed("delete object", name, condition);
            }
        });
    }

    private StorageException preconditionFailed(String operation, String name, WriteCondition condition) {
        StoredValue current = store.objects.get(name);
        return new StorageException.PreconditionFailed(operation + " failed: "
                + (current == null ? "object does not exist" : "version is " + current.version) + " [location="
                + location + ", name=" + name + ", condition=" + condition + "]");
    }

    /** Marks the client closed: later requests fail. The store keeps its contents. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "InMemoryStorageClient[" + location + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // The store

    /** One replica: LTX files per level, ordered by (min, max), and small objects. */
    private static final class Store {
        final List<ConcurrentSkipListMap<FileKey, Entry>> levels = new ArrayList<>();
        final Map<String, StoredValue> objects = new ConcurrentHashMap<>();
        final AtomicLong versions = new AtomicLong();

        Store() {
            for (int level = 0; level <= LtxFileInfo.MAX_LEVEL; level++) {
                levels.add(new ConcurrentSkipListMap<>(FileKey.ORDER));
            }
        }
    }

    private static final class FileKey {
        static final Comparator<FileKey> ORDER =
                Comparator.<FileKey, TxId>comparing(k -> k.min).thenComparing(k -> k.max);

        final TxId min;
        final TxId max;

        FileKey(TxId min, TxId max) {
            this.min = min;
            this.max = max;
        }
    }

    private static final class Entry {
        final byte[] data;
        final Instant createdAt;

        Entry(byte[] data, Instant createdAt) {
            this.data = data;
            this.createdAt = createdAt;
        }
    }

    /** An object's content and version; compared by identity, which is what the compare-and-set needs. */
    private static final class StoredValue {
        final byte[] data;
        final String version;

        StoredValue(byte[] data, String version) {
            this.data = data;
            this.version = version;
        }
    }
}

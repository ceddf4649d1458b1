package io.litevfs.engine;

import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.engine.internal.vfs.EngineSqliteVfs;
import io.litevfs.sqlite.SqliteBinding;
import io.litevfs.sqlite.SqliteBindingProvider;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A litevfs runtime: a loaded SQLite, the registered VFS, one page cache bounded in bytes shared by every replica
 * it opens, and the pool of platform threads SQLite runs on.
 *
 * <p><b>Threads.</b> SQLite runs only on this runtime's own platform threads ({@code litevfs-sqlite-N}): never on
 * Netty event loops (a page miss blocks) and never on virtual threads (they pin inside native callbacks). Queries
 * may be subscribed from any thread; rows are emitted on a SQLite thread, so use {@code publishOn} to move work
 * elsewhere.
 *
 * <p>Close it to unregister the VFS, close idle connections and stop the threads.
 */
public final class LiteVfsRuntime implements AutoCloseable {

    /** The default VFS name. */
    public static final String DEFAULT_VFS_NAME = "litevfs";

    /** The default page cache size: 64 MiB. */
    public static final long DEFAULT_CACHE_SIZE = 64L << 20;

    /** The default time a page read may wait for storage. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private static final Map<String, SqliteBinding> BINDINGS = new ConcurrentHashMap<>();

    private final SqliteBinding binding;
    private final EngineSqliteVfs vfs;
    private final ExecutorService executor;
    private final Scheduler scheduler;
    private final Duration readTimeout;
    private volatile boolean closed;

    private LiteVfsRuntime(Builder b) {
        this.binding = loadBinding(b.sqliteLibrary);
        this.readTimeout = b.readTimeout;
        this.vfs = new EngineSqliteVfs(
                b.vfsName, new PageCache(b.cacheSize), b.readTimeout, b.pollInterval, Schedulers.parallel());
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.sqliteThreads, r -> {
            Thread t = new Thread(r, b.vfsName + "-sqlite-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler = Schedulers.fromExecutorService(executor, b.vfsName + "-sqlite");
        try {
            binding.registerVfs(vfs, false);
        } catch (SqliteException e) {
            scheduler.dispose();
            throw new IllegalStateException(
                    "cannot register the VFS '" + b.vfsName + "': " + e.getMessage()
                            + " (another runtime uses that name; give Builder.vfsName(...))",
                    e);
        }
    }

    private static SqliteBinding loadBinding(@Nullable Path library) {
        String key = library == null ? "" : library.toAbsolutePath().toString();
        return BINDINGS.computeIfAbsent(key, k -> {
            SqliteBindingProvider provider = SqliteBindingProvider.find()
                    .orElseThrow(() -> new IllegalStateException(
                            "no SQLite binding on the class path (add" + " io.litevfs:litevfs-sqlite-binding-jnr)"));
            try {
                return provider.load(library);
            } catch (SqliteException e) {
                throw new IllegalStateException("cannot load SQLite: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Opens a replica. No I/O happens until the first query; a malformed URL, an unknown scheme or an unknown
     * option fails here.
     *
     * @param url the replica URL
     * @return the database
     * @throws io.litevfs.storage.StorageException.InvalidLocation for a bad URL
     */
    public LiteDatabase open(String url) {
        if (closed) {
            throw new IllegalStateException("this LiteVfs runtime is closed");
        }
        StorageLocation location = StorageLocation.parse(url);
        location.requireKnownOptions(StorageClients.provider(location.scheme()).options());
        String interval = location.option("poll-interval");
        if (interval != null) {
            EngineSqliteVfs.parseDuration(interval);
        }
        return new LiteDatabase(this, url, null);
    }

    /** Returns the SQLite binding, for stock SQLite connections on the VFS. */
    public SqliteBinding binding() {
        return binding;
    }

    /** Returns the registered VFS name. */
    public String vfsName() {
        return vfs.name();
    }

    /** Returns the scheduler whose platform threads run SQLite. */
    public Scheduler sqliteScheduler() {
        return scheduler;
    }

    EngineSqliteVfs vfs() {
        return vfs;
    }

    Duration readTimeout() {
        return readTimeout;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            binding.unregisterVfs(vfs.name());
        } catch (SqliteException ignored) {
            // nothing to undo: the name is free either way
        }
        scheduler.dispose();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vfs.closeReplicas();
    }

    /** Configures a {@link LiteVfsRuntime}. */
    public static final class Builder {
        private long cacheSize = DEFAULT_CACHE_SIZE;
        private int sqliteThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private String vfsName = DEFAULT_VFS_NAME;
        private Duration pollInterval = EngineSqliteVfs.DEFAULT_POLL_INTERVAL;
        private @Nullable Path sqliteLibrary;

        Builder() {}

        /** Sets the page cache bound in bytes (default 64 MiB), shared by every replica of the runtime. */
        public Builder cacheSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cache size must be >= 0");
            }
            this.cacheSize = bytes;
            return this;
        }

        /** Sets the number of platform threads SQLite runs on (default max(4, 2 × cores)). */
        public Builder sqliteThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("at least one SQLite thread");
            }
            this.sqliteThreads = threads;
            return this;
        }

        /** Sets how long a page read may wait for storage before SQLite gets an I/O error (default 30 s). */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Sets how often a followed replica is polled for new versions (default 1 s); a replica URL can override it
         * with {@code poll-interval=}.
         */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive");
            }
            this.pollInterval = interval;
            return this;
        }

        /** Sets the VFS name (default {@code litevfs}). */
        public Builder vfsName(String name) {
            this.vfsName = Objects.requireNonNull(name);
            return this;
        }

        /** Sets the SQLite shared library (default: the system's {@code libsqlite3.so.0}). */
        public Builder sqliteLibrary(Path library) {
            this.sqliteLibrary = library;
            return this;
        }

        /** Creates the runtime: loads SQLite and registers the VFS. */
        public LiteVfsRuntime build() {
            return new LiteVfsRuntime(this);
        }
    }
}

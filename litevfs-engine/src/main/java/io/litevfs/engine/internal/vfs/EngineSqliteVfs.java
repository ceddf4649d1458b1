package io.litevfs.engine.internal.vfs;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.engine.internal.read.ReplicaSnapshot;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteException;
import io.litevfs.sqlite.SqliteFile;
import io.litevfs.sqlite.SqliteVfs;
import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code litevfs} VFS: main databases are replicas named by the {@code replica} URI parameter (a URL-encoded
 * replica URL); every other file SQLite opens (journals, temporary files) lives in memory.
 *
 * <pre>
 *   file:app.db?vfs=litevfs&amp;replica=s3%3A%2F%2Fbucket%2Fapp%3Fregion%3Deu-west-1
 *   file:app.db?vfs=litevfs&amp;replica=file%3A%2F%2F%2Fvar%2Fbackups%2Fapp&amp;txid=42
 * </pre>
 *
 * <p>Optional URI parameters choose a past state for the whole connection: {@code txid} (16 hex digits or
 * decimal) or {@code at} (ISO-8601 instant or "5 minutes ago"). Connections on one replica URL share one {@link
 * ReplicaHandle}, and with it the page cache and the fetcher.
 */
public final class EngineSqliteVfs implements SqliteVfs {

    private final String name;
    private final PageCache cache;
    private final Duration readTimeout;
    private final Function<StorageLocation, StorageClient> clients;
    private final Duration pollInterval;
    private final Scheduler timer;
    private final Map<String, ReplicaHandle> replicas = new ConcurrentHashMap<>();
    private final Map<String, MemoryFile> namedFiles = new ConcurrentHashMap<>();
    private final Map<String, ReplicaFile> connections = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger openFiles = new AtomicInteger();
    private volatile @Nullable String lastError;

    /**
     * Creates the VFS.
     *
     * @param name the VFS name ({@code litevfs})
     * @param cache the page cache shared by all replicas
     * @param readTimeout how long a page read may wait for storage
     */
    public EngineSqliteVfs(String name, PageCache cache, Duration readTimeout) {
        this(name, cache, readTimeout, DEFAULT_POLL_INTERVAL, Schedulers.parallel());
    }

    /**
     * Creates the VFS.
     *
     * @param pollInterval how often followed replicas are polled, unless their URL says {@code poll-interval=}
     * @param timer the scheduler that drives polling
     */
    public EngineSqliteVfs(String name, PageCache cache, Duration readTimeout, Duration pollInterval, Scheduler timer) {
        this.name = name;
        this.cache = cache;
        this.readTimeout = readTimeout;
        this.clients = StorageClients::open;
        this.pollInterval = pollInterval;
        this.timer = timer;
    }

    /** The default poll interval of a followed replica. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    /**
     * Parses a duration such as {@code 250ms}, {@code 1s}, {@code 2m}, {@code 1h} or an ISO-8601 duration.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.trim());
            }
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("not a duration: '" + text + "' (expected e.g. 250ms, 1s, 2m)");
    }

    @Override
    public String name() {
        return name;
    }

    /** Returns the handle of a replica URL, opening it on first use. */
    public ReplicaHandle replica(String url) {
        StorageLocation location = StorageLocation.parse(url);
        String key = location.toString() + "#" + location.options();
        String option = location.option("poll-interval");
        Duration interval = option == null ? pollInterval : parseDuration(option);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll-interval must be positive, got " + option);
        }
        return replicas.computeIfAbsent(
                key,
                k -> new ReplicaHandle(
                        ids.incrementAndGet(), clients.apply(location), cache, interval, timer, Clock.systemUTC()));
    }

    /** Returns the main-database file opened with {@code litevfs_connection=<id>}, if open. */
    public @Nullable ReplicaFile connectionFile(String connectionId) {
        return connections.get(connectionId);
    }

    /** Returns the number of files currently open (for leak checks). */
    public int openFiles() {
        return openFiles.get();
    }

    @Override
    public SqliteFile open(@Nullable String fileName, int flags, UriParameters uri) throws SqliteException {
        if ((flags & SqliteCodes.OPEN_MAIN_DB) == 0) {
            openFiles.incrementAndGet();
            if (fileName == null) {
                return new MemoryFile(openFiles::decrementAndGet);
            }
            return namedFiles.computeIfAbsent(fileName, n -> new MemoryFile(openFiles::decrementAndGet));
        }
        String url = uri.get("replica");
        if (url == null || url.isBlank()) {
            throw fail(
                    SqliteCodes.CANTOPEN,
                    "litevfs: no replica in '" + fileName + "'; open file:any.db?vfs=" + name
                            + "&replica=<url-encoded replica URL>",
                    null);
        }
        if (Schedulers.isInNonBlockingThread()) {
            throw fail(
                    SqliteCodes.CANTOPEN,
                    "litevfs: cannot open a replica on a non-blocking thread ("
                            + Thread.currentThread().getName() + ")",
                    null);
        }
        ReplicaHandle handle;
        ReplicaSnapshot snapshot;
        RestoreTarget target;
        try {
            handle = replica(url);
            target = target(uri);
            snapshot = (target == null ? handle.latest() : handle.snapshot(target)).block(readTimeout.multipliedBy(2));
        } catch (StorageException | ReplicaException | IllegalArgumentException e) {
            throw fail(SqliteCodes.CANTOPEN, "litevfs: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            throw fail(
                    SqliteCodes.CANTOPEN,
                    "litevfs: opening " + ReplicaFiles.redact(url) + " failed: " + cause.getMessage(),
                    cause);
        }
        if (snapshot == null) {
            throw fail(SqliteCodes.CANTOPEN, "litevfs: opening " + ReplicaFiles.redact(url) + " timed out", null);
        }
        String connection = uri.get("litevfs_connection");
        openFiles.incrementAndGet();
        ReplicaFile[] self = new ReplicaFile[1];
        ReplicaFile file = new ReplicaFile(handle, snapshot, target, readTimeout, () -> {
            openFiles.decrementAndGet();
            if (connection != null) {
                connections.remove(connection, self[0]);
            }
        });
        self[0] = file;
        if (connection != null) {
            connections.put(connection, file);
        }
        return file;
    }

    private static @Nullable RestoreTarget target(UriParameters uri) {
        String txid = uri.get("txid");
        String at = uri.get("at");
        if (txid != null && at != null) {
            throw new IllegalArgumentException("give txid= or at=, not both");
        }
        if (txid != null) {
            return RestoreTarget.txId(TxId.parse(txid));
        }
        if (at != null) {
            RestoreTarget t = RestoreTarget.parseTime(at, Clock.systemUTC());
            return t instanceof RestoreTarget.Latest ? null : t;
        }
        return null;
    }

    private SqliteException fail(int code, String message, @Nullable Throwable cause) {
        lastError = message;
        return new SqliteException(code, message, cause);
    }

    @Override
    public void delete(String fileName, boolean syncDirectory) {
        namedFiles.remove(fileName);
    }

    @Override
    public boolean access(String fileName, int flags) {
        MemoryFile f = namedFiles.get(fileName);
        return f != null && f.length() > 0;
    }

    @Override
    public @Nullable String lastError() {
        return lastError;
    }

    /** Closes every replica's storage client. */
    public void closeReplicas() {
        replicas.values().forEach(ReplicaHandle::close);
        replicas.clear();
    }
}

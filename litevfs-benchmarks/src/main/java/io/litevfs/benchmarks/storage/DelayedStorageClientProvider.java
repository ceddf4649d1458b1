package io.litevfs.benchmarks.storage;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageClients;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import reactor.core.scheduler.Schedulers;

/**
 * Scheme {@code delayed}: a local-directory replica behind a fixed per-request latency, for benchmarks.
 *
 * <pre>{@code
 * delayed://local/abs/dir?delay-ms=20     → file:///abs/dir, every request delayed by 20 ms
 * }</pre>
 *
 * The authority is ignored (replica URLs need one); the path is the absolute directory of a {@code file://}
 * replica, served by whatever backend {@link StorageClients} finds for {@code file}. Requests are counted in
 * {@link RequestStats#of(String)} under that directory ({@link #statsKey(Path)}), shared by every client of the
 * directory, so a benchmark can reset and read them per phase even though the engine opens its clients itself.
 */
public final class DelayedStorageClientProvider implements StorageClientProvider {

    /** The scheme. */
    public static final String SCHEME = "delayed";

    /** The option that sets the latency in milliseconds (default 0). */
    public static final String DELAY_MS = "delay-ms";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public DelayedStorageClientProvider() {}

    /**
     * Returns the URL of a directory behind a delay.
     *
     * @param dir the replica directory
     * @param delayMs the latency of every request
     * @return {@code delayed://local/<dir>?delay-ms=<delayMs>}
     */
    public static String url(Path dir, long delayMs) {
        return SCHEME + "://local" + dir.toAbsolutePath().normalize().toUri().getRawPath() + "?" + DELAY_MS + "="
                + delayMs;
    }

    /** Returns the key of a directory's counters in {@link RequestStats#of(String)}. */
    public static String statsKey(Path dir) {
        return dir.toAbsolutePath().normalize().toString();
    }

    /** Returns the shared counters of a directory. */
    public static RequestStats stats(Path dir) {
        return RequestStats.of(statsKey(dir));
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public Set<String> options() {
        return Set.of(DELAY_MS);
    }

    @Override
    public StorageClient create(StorageLocation location) {
        if (!SCHEME.equals(location.scheme())) {
            throw new StorageException.InvalidLocation(
                    "the delayed backend cannot serve scheme '" + location.scheme() + "://'");
        }
        long delayMs = 0;
        String value = location.option(DELAY_MS);
        if (value != null) {
            try {
                delayMs = Long.parseLong(value);
            } catch (NumberFormatException e) {
                delayMs = -1;
            }
            if (delayMs < 0) {
                throw new StorageException.InvalidLocation("option " + DELAY_MS
                        + " must be a number of milliseconds >= 0, not '" + value + "' [" + location + "]");
            }
        }
        Path dir = Path.of("/" + location.path()).normalize();
        StorageClient files =
                StorageClients.open(StorageLocation.parse(dir.toUri().toString()));
        return new DelayedStorageClient(location, files, Duration.ofMillis(delayMs), stats(dir), Schedulers.parallel());
    }
}

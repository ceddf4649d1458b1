package io.litevfs.testkit;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageLocation;
import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point for {@code memory://<store>[/<prefix>]} replica URLs, registered
 * in this module's {@code META-INF/services}. Each URL names a store shared by every client of that URL in the
 * JVM; see {@link InMemoryStorageClient}. The backend has no options of its own.
 */
public final class InMemoryStorageClientProvider implements StorageClientProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public InMemoryStorageClientProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of(InMemoryStorageClient.SCHEME);
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    /**
     * Returns a client on the store the location names, creating the store if needed.
     *
     * @param location a {@code memory://} location
     * @return the client
     */
    @Override
    public StorageClient create(StorageLocation location) {
        return InMemoryStorageClient.forLocation(location);
    }
}

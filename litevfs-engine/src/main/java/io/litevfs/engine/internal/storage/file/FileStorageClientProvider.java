package io.litevfs.engine.internal.storage.file;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of the local-directory backend: scheme {@code file}, which
 * {@link StorageLocation} also uses for plain directory paths. The backend has no options of its own, so any option
 * outside {@link StorageLocation#COMMON_OPTIONS} is rejected by {@link io.litevfs.storage.StorageClients}.
 */
public final class FileStorageClientProvider implements StorageClientProvider {

    /** The scheme this provider serves. */
    public static final String SCHEME = "file";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public FileStorageClientProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public StorageClient create(StorageLocation location) {
        if (!SCHEME.equals(location.scheme())) {
            throw new StorageException.InvalidLocation(
                    "file storage cannot serve scheme '" + location.scheme() + "://' [location=" + location + "]");
        }
        return new FileStorageClient(location);
    }
}

package io.litevfs.storage;

import java.util.Set;

/**
 * Creates {@link StorageClient}s for one or more URL schemes. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in {@code META-INF/services/io.litevfs.storage.StorageClientProvider}.
 */
public interface StorageClientProvider {

    /** Returns the lower-case URL schemes this provider serves, e.g. {@code s3}. */
    Set<String> schemes();

    /**
     * Returns the backend's own URL options (e.g. {@code endpoint}, {@code region}). Any other option except
     * {@link StorageLocation#COMMON_OPTIONS} makes {@link StorageClients#open(String)} fail with a message naming
     * it.
     */
    Set<String> options();

    /**
     * Creates a client. Cheap and without I/O: connection problems surface on the first request.
     *
     * @param location a location whose scheme is one of {@link #schemes()} and whose options were checked
     * @return the client
     * @throws StorageException.InvalidLocation if an option value is invalid
     */
    StorageClient create(StorageLocation location);
}

package io.litevfs.storage.s3;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of the S3 backend: scheme {@code s3}, options {@link
 * S3Settings#OPTIONS}. An {@code endpoint} that an {@link S3Flavor} on the class path serves (Tigris' endpoints, with
 * storage-tigris present) gets that flavor's defaults and headers.
 */
public final class S3StorageClientProvider implements StorageClientProvider {

    /** The scheme this provider serves. */
    public static final String SCHEME = "s3";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public S3StorageClientProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public Set<String> options() {
        return S3Settings.OPTIONS;
    }

    @Override
    public StorageClient create(StorageLocation location) {
        if (!SCHEME.equals(location.scheme())) {
            throw new StorageException.InvalidLocation(
                    "s3 storage cannot serve scheme '" + location.scheme() + "://' [location=" + location + "]");
        }
        return new S3StorageClient(location, S3Settings.fromLocation(location, null));
    }
}

package io.litevfs.storage.tigris;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import io.litevfs.storage.s3.S3Settings;
import io.litevfs.storage.s3.S3StorageClient;
import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of the Tigris backend: {@code tigris://bucket/prefix}, with the
 * options of {@code s3://} ({@link S3Settings#OPTIONS}) and {@link TigrisFlavor}'s defaults. The client is the S3
 * backend's {@link S3StorageClient}, in Litestream's S3 layout (Litestream itself uses its S3 client for Tigris).
 * Credentials come from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} (what {@code fly storage create}
 * sets), a profile, or the URL options.
 */
public final class TigrisStorageClientProvider implements StorageClientProvider {

    /** The scheme this provider serves. */
    public static final String SCHEME = "tigris";

    private static final TigrisFlavor FLAVOR = new TigrisFlavor();

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public TigrisStorageClientProvider() {}

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
                    "tigris storage cannot serve scheme '" + location.scheme() + "://' [location=" + location + "]");
        }
        return new S3StorageClient(location, S3Settings.fromLocation(location, FLAVOR));
    }
}

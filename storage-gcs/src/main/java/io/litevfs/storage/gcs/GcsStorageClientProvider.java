package io.litevfs.storage.gcs;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of the Google Cloud Storage backend: scheme {@code gs}, URLs
 * {@code gs://bucket/prefix?option=value}.
 *
 * <p>Options:
 *
 * <ul>
 *   <li>{@code endpoint} — the JSON API root, e.g. {@code http://127.0.0.1:9199} for an emulator or a private
 *       endpoint; default {@code STORAGE_EMULATOR_HOST} if set, else {@code https://storage.googleapis.com}.
 *   <li>{@code credentials} — {@code default} (Application Default Credentials: {@code GOOGLE_APPLICATION_CREDENTIALS},
 *       {@code gcloud auth application-default login}, the metadata server), {@code none} (no Authorization
 *       header: public buckets, emulators), or the path of a credentials JSON file. Default: none when the endpoint
 *       comes from {@code STORAGE_EMULATOR_HOST} or is plain {@code http://} (a bearer token is never sent in
 *       clear text), Application Default Credentials otherwise.
 *   <li>{@code project} — the project billed for requester-pays buckets (sent as {@code userProject}).
 * </ul>
 *
 * <p>The environment is read here, once per client, and nowhere else in the backend: {@code STORAGE_EMULATOR_HOST}
 * ({@code host:port} or {@code http://host:port}), as Google's client libraries honour it. (google-auth-library
 * itself reads {@code GOOGLE_APPLICATION_CREDENTIALS} and gcloud's files when it looks for Application Default
 * Credentials.)
 */
public final class GcsStorageClientProvider implements StorageClientProvider {

    /** The scheme this provider serves. */
    public static final String SCHEME = "gs";

    private final Map<String, String> environment;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. Uses the process environment. */
    public GcsStorageClientProvider() {
        this(System.getenv());
    }

    /**
     * Creates a provider that reads the given environment instead of the process's.
     *
     * @param environment the environment variables
     */
    public GcsStorageClientProvider(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public Set<String> options() {
        return GcsSettings.OPTIONS;
    }

    @Override
    public StorageClient create(StorageLocation location) {
        if (!SCHEME.equals(location.scheme())) {
            throw new StorageException.InvalidLocation(
                    "GCS storage cannot serve scheme '" + location.scheme() + "://' [location=" + location + "]");
        }
        location.requireKnownOptions(options());
        return new GcsStorageClient(location, GcsSettings.resolve(location, environment));
    }
}

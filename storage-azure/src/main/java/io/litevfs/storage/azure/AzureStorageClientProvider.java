package io.litevfs.storage.azure;

import io.litevfs.storage.StorageClient;
import io.litevfs.storage.StorageClientProvider;
import io.litevfs.storage.StorageException;
import io.litevfs.storage.StorageLocation;
import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of the Azure Blob backend.
 *
 * <p>URLs: {@code abs://[ACCOUNT@]CONTAINER/PATH} (Litestream's scheme and form) and {@code az://} (the same).
 * Options (secret values are redacted whenever a location is printed):
 *
 * <ul>
 *   <li>{@code endpoint} — the blob service endpoint, for emulators and other clouds, e.g. {@code
 *       http://127.0.0.1:10000/devstoreaccount1}; for a loopback or IP host without a path the account is added as
 *       the path, as emulators expect. Default: the connection string's, else {@code
 *       https://ACCOUNT.blob.core.windows.net}.
 *   <li>{@code account} (alias {@code account-name}) — the storage account.
 *   <li>{@code key} (alias {@code account-key}) — the account key (base64).
 *   <li>{@code sas} (alias {@code sas-token}) — a SAS token, percent-encoded inside the URL.
 * </ul>
 *
 * <p>Credentials, first match wins: the {@code sas} option, the {@code key} option, {@code
 * AZURE_STORAGE_CONNECTION_STRING} (ignored if the URL names another account), {@code AZURE_STORAGE_KEY} or {@code
 * LITESTREAM_AZURE_ACCOUNT_KEY} (with the account from the URL or {@code AZURE_STORAGE_ACCOUNT}), {@code
 * AZURE_STORAGE_SAS_TOKEN}; otherwise requests are anonymous (public containers). This class is the only place the
 * backend reads environment variables.
 */
public final class AzureStorageClientProvider implements StorageClientProvider {

    /** Litestream's scheme for Azure Blob Storage. */
    public static final String SCHEME_ABS = "abs";

    /** Short alias. */
    public static final String SCHEME_AZ = "az";

    private static final Set<String> OPTIONS =
            Set.of("endpoint", "account", "account-name", "key", "account-key", "sas", "sas-token");

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public AzureStorageClientProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME_ABS, SCHEME_AZ);
    }

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    @Override
    public StorageClient create(StorageLocation location) {
        if (!schemes().contains(location.scheme())) {
            throw new StorageException.InvalidLocation(
                    "azure storage cannot serve scheme '" + location.scheme() + "://' [location=" + location + "]");
        }
        location.requireKnownOptions(OPTIONS);
        return new AzureStorageClient(location, AzureSettings.resolve(location, System::getenv));
    }
}

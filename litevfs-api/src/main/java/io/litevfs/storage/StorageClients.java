package io.litevfs.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the {@link StorageClientProvider} for a replica URL with {@link ServiceLoader} and creates the client.
 */
public final class StorageClients {

    private StorageClients() {}

    /**
     * Opens a client for a replica URL.
     *
     * @param url the replica URL
     * @return the client
     * @throws StorageException.InvalidLocation for a malformed URL, an unknown scheme or an unknown option
     */
    public static StorageClient open(String url) {
        return open(StorageLocation.parse(url));
    }

    /**
     * Opens a client for a parsed location.
     *
     * @param location the location
     * @return the client
     * @throws StorageException.InvalidLocation for an unknown scheme or an unknown option
     */
    public static StorageClient open(StorageLocation location) {
        StorageClientProvider provider = provider(location.scheme());
        location.requireKnownOptions(provider.options());
        return provider.create(location);
    }

    /**
     * Returns the provider of a scheme.
     *
     * @param scheme a lower-case scheme
     * @return the provider
     * @throws StorageException.InvalidLocation if no provider on the class path serves the scheme
     */
    public static StorageClientProvider provider(String scheme) {
        List<String> known = new ArrayList<>();
        for (StorageClientProvider p : ServiceLoader.load(StorageClientProvider.class, classLoader())) {
            if (p.schemes().contains(scheme)) {
                return p;
            }
            known.addAll(p.schemes());
        }
        throw new StorageException.InvalidLocation("no storage backend for scheme '" + scheme + "://' (available: "
                + String.join(", ", new TreeSet<>(known)) + ")");
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : StorageClients.class.getClassLoader();
    }
}

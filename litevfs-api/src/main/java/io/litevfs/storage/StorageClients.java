package io.litevfs.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
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
     * @throws StorageException.InvalidLocation if no provider on the class path serves the scheme, or if several do
     */
    public static StorageClientProvider provider(String scheme) {
        Objects.requireNonNull(scheme, "scheme");
        List<StorageClientProvider> matches = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        for (StorageClientProvider p : ServiceLoader.load(StorageClientProvider.class, classLoader())) {
            if (p.schemes().contains(scheme)) {
                matches.add(p);
            }
            known.addAll(p.schemes());
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new StorageException.InvalidLocation(
                    "no storage backend for scheme '" + scheme + "://' (available: " + String.join(", ", known) + ")");
        }
        StringBuilder names = new StringBuilder();
        for (StorageClientProvider p : matches) {
            names.append(names.length() == 0 ? "" : ", ").append(p.getClass().getName());
        }
        throw new StorageException.InvalidLocation("several storage backends serve scheme '" + scheme + "://' (" + names
                + "); keep only one of them on the class path, or create the StorageClient yourself");
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : StorageClients.class.getClassLoader();
    }
}

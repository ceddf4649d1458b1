package io.litevfs.storage.s3;

import java.net.URI;
import java.util.Map;

/**
 * An S3-compatible store with its own defaults and headers, layered over {@link S3StorageClient} rather than copied
 * from it (storage-tigris is one). Flavors are found with {@link java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/io.litevfs.storage.s3.S3Flavor}): an {@code s3://} URL whose {@code endpoint} a flavor
 * {@linkplain #servesEndpoint serves} is configured by that flavor, so {@code
 * s3://bucket/db?endpoint=https://t3.storage.dev} behaves like {@code tigris://bucket/db}.
 */
public interface S3Flavor {

    /** Returns the flavor's name for messages, e.g. {@code tigris}. */
    String name();

    /**
     * Returns whether an endpoint belongs to this store.
     *
     * @param endpoint an absolute endpoint URI
     * @return whether this flavor should configure clients of that endpoint
     */
    boolean servesEndpoint(URI endpoint);

    /** Returns the endpoint used when the URL names none. */
    URI defaultEndpoint();

    /** Returns the signing region used when the URL names none. */
    String defaultRegion();

    /** Returns whether path-style addressing is used when the URL does not say. */
    boolean defaultForcePathStyle();

    /**
     * Returns the extra headers of one kind of request.
     *
     * @param operation the request kind
     * @return header names and values; empty for none
     */
    Map<String, String> headers(S3Operation operation);
}

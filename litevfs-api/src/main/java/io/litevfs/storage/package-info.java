/**
 * The storage SPI: what a backend implements so that litevfs can read and write Litestream replicas in it.
 *
 * <p>Start with {@link io.litevfs.storage.StorageClient} (one replica location) and
 * {@link io.litevfs.storage.StorageClientProvider} (the {@link java.util.ServiceLoader} entry point, one per URL
 * scheme). {@link io.litevfs.storage.StorageClients} finds the provider for a replica URL. Errors are signalled as
 * subclasses of {@link io.litevfs.storage.StorageException}.
 */
@NullMarked
package io.litevfs.storage;

import org.jspecify.annotations.NullMarked;

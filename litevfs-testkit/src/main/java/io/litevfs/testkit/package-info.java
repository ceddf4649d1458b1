/**
 * Test support for storage backends and for code that uses them.
 *
 * <p>{@link io.litevfs.testkit.StorageClientConformanceTest} is the contract every
 * {@link io.litevfs.storage.StorageClient} must pass: extend it and supply a client on a fresh, empty location.
 * {@link io.litevfs.testkit.InMemoryStorageClient} is a complete backend that keeps replicas in the JVM (URL
 * scheme {@code memory}, see {@link io.litevfs.testkit.InMemoryStorageClientProvider}) and counts requests and
 * bytes, for engine tests that want to assert how much storage traffic an operation costs.
 */
@NullMarked
package io.litevfs.testkit;

import org.jspecify.annotations.NullMarked;

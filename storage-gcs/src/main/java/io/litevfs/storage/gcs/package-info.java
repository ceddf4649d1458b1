/**
 * The Google Cloud Storage backend ({@code gs://bucket/prefix} replica URLs): the GCS JSON API spoken directly over
 * Reactor Netty, with google-auth-library for credentials.
 *
 * <p>Entry points: {@link io.litevfs.storage.gcs.GcsStorageClientProvider} (found by {@link java.util.ServiceLoader})
 * and {@link io.litevfs.storage.gcs.GcsStorageClient}.
 */
@NullMarked
package io.litevfs.storage.gcs;

import org.jspecify.annotations.NullMarked;

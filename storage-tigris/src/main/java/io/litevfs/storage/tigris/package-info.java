/**
 * The Tigris backend: {@code tigris://bucket/prefix} and {@code s3://} URLs with a Tigris endpoint, as a {@link
 * io.litevfs.storage.s3.S3Flavor} of the S3 backend.
 */
@NullMarked
package io.litevfs.storage.tigris;

import org.jspecify.annotations.NullMarked;

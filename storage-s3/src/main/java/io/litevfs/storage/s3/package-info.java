/**
 * The S3 backend: {@code s3://bucket/prefix?endpoint=…&region=…&force-path-style=…} on the AWS SDK v2 {@code
 * S3AsyncClient} (netty-nio-client), in Litestream's S3 layout ({@code <prefix>/<level as %04x>/<min>-<max>.ltx}).
 * {@link io.litevfs.storage.s3.S3Flavor} lets S3-compatible stores (Tigris) reuse it with their own defaults.
 */
@NullMarked
package io.litevfs.storage.s3;

import org.jspecify.annotations.NullMarked;

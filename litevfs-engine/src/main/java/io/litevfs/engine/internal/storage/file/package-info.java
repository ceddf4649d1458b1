/**
 * The local-directory storage backend ({@code file://} replica URLs), in Litestream's file-backend layout.
 *
 * <p>Entry points: {@link io.litevfs.engine.internal.storage.file.FileStorageClientProvider} (found by
 * {@link java.util.ServiceLoader}) and {@link io.litevfs.engine.internal.storage.file.FileStorageClient}.
 */
@NullMarked
package io.litevfs.engine.internal.storage.file;

import org.jspecify.annotations.NullMarked;

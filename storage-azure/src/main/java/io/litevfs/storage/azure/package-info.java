/**
 * The Azure Blob Storage backend: {@code abs://} (Litestream's scheme) and {@code az://} replica URLs, served by
 * the async client of {@code azure-storage-blob}. See {@link io.litevfs.storage.azure.AzureStorageClientProvider}
 * for the URL options and where credentials come from.
 */
@NullMarked
package io.litevfs.storage.azure;

import org.jspecify.annotations.NullMarked;

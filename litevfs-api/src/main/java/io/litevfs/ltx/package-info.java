/**
 * Value types shared by the storage SPI and the engine: {@link io.litevfs.ltx.TxId}.
 *
 * <p>No codec lives here; the LTX encoder and decoder are internal to {@code litevfs-engine}.
 */
@NullMarked
package io.litevfs.ltx;

import org.jspecify.annotations.NullMarked;

/**
 * The LTX codec: byte-level reading and writing of Litestream LTX files (format version 3).
 *
 * <p>Two ways in: {@link io.litevfs.engine.internal.ltx.LtxDecoder} streams a whole file (header, every page,
 * index, trailer) and verifies the file checksum without ever holding more than one page in memory;
 * {@link io.litevfs.engine.internal.ltx.PageIndex} plus
 * {@link io.litevfs.engine.internal.ltx.LtxPageFrames} decode single pages fetched by ranged reads.
 * {@link io.litevfs.engine.internal.ltx.LtxEncoder} writes the current encoding, byte-compatible with
 * Litestream v0.5.16+.
 *
 * <p>Every malformed input is reported as an {@link io.litevfs.engine.internal.ltx.LtxFormatException} naming
 * the source, the file offset and what was expected; no input can make the codec throw an unchecked exception,
 * allocate more than a small multiple of the page size, or loop without consuming input.
 */
@NullMarked
package io.litevfs.engine.internal.ltx;

import org.jspecify.annotations.NullMarked;

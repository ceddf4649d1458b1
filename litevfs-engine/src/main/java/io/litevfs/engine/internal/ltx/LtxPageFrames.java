package io.litevfs.engine.internal.ltx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Page frames (spec A.3): decoding of a single frame fetched with a ranged read, and the frame rules shared with
 * the streaming {@link LtxDecoder}.
 *
 * <p>A frame is a 6-byte page header (u32 pgno, u16 flags) followed by the page in one of two encodings:
 *
 * <ul>
 *   <li><b>current</b> (flags {@code 0x0001}, Litestream v0.5.16+): a u32 compressed length, then one raw LZ4
 *       block of that length that decompresses to exactly one page;
 *   <li><b>legacy</b> (flags 0, Litestream v0.5.0..v0.5.15): a complete LZ4 frame (magic {@code 04 22 4D 18},
 *       frame descriptor, data blocks, end mark, optional content checksum) with no length prefix. It is
 *       self-delimiting, so the streaming decoder parses it to find its end.
 * </ul>
 *
 * <p>Bounds that keep hostile input cheap: a compressed block is at most {@link #maxCompressedLength(int)} bytes
 * (the LZ4 worst case for a page — no valid block for a page can be longer), and a whole frame at most {@link
 * #maxFrameSize(int)} bytes. Legacy frames written by real encoders hold a single block; frames split into several
 * blocks are accepted when the blocks are independent and the frame fits the bound. LZ4 dictionaries are not
 * supported (no LTX writer uses them).
 *
 * <p>All methods are thread-safe.
 */
public final class LtxPageFrames {

    /** Size of the page header (and of the end marker). */
    public static final int PAGE_HEADER_SIZE = 6;

    /** Page-header flag of the current, size-prefixed encoding. */
    public static final int FLAG_SIZE_PREFIXED = 0x0001;

    /** No valid frame is shorter (page header, length, and a minimal LZ4 block). */
    public static final int MIN_FRAME_SIZE = 11;

    /** Little-endian LZ4 frame magic 0x184D2204 (bytes 04 22 4D 18). */
    static final int LZ4_FRAME_MAGIC = 0x184D2204;

    static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    static final XXHash32 XXHASH32 = XXHashFactory.fastestInstance().hash32();

    private LtxPageFrames() {}

    /** Returns the LZ4 worst-case block size for one page: {@code n + n/255 + 16}. */
    public static int maxCompressedLength(int pageSize) {
        return pageSize + pageSize / 255 + 16;
    }

    /**
     * Returns the largest frame accepted for a page size: {@code 2 * pageSize + 64}, above any current-encoding
     * frame ({@code 10 + maxCompressedLength}) and any single-block legacy frame.
     */
    public static int maxFrameSize(int pageSize) {
        return 2 * pageSize + 64;
    }

    /**
     * Decodes one page frame, as located by the page index, into {@code page}.
     *
     * @param frame exactly the frame's bytes (from its position to its limit); the position advances to the limit
     * @param expectedPgno the page number the index says the frame holds
     * @param pageSize the file's page size
     * @param page receives the page in {@code [0, pageSize)}
     * @param source the file name for error messages
     * @param fileOffset the absolute file offset of the frame, for error messages
     * @throws LtxFormatException if the frame is malformed, holds another page, does not decompress to exactly
     *     {@code pageSize} bytes, or does not end exactly at the buffer's limit
     * @throws IllegalArgumentException if {@code page} is shorter than {@code pageSize} or the page size is invalid
     */
    public static void decodeFrame(
            ByteBuffer frame, int expectedPgno, int pageSize, byte[] page, String source, long fileOffset)
            throws LtxFormatException {
        checkPageArgs(pageSize, page);
        int total = frame.remaining();
        if (total > maxFrameSize(pageSize)) {
            throw new LtxFormatException(
                    source,
                    fileOffset,
                    "expected a frame of at most " + maxFrameSize(pageSize) + " bytes for page size " + pageSize
                            + ", got " + total);
        }
        ByteSource.OfBuffer in = new ByteSource.OfBuffer(frame, source, fileOffset);
        try {
            byte[] hdr = new byte[PAGE_HEADER_SIZE];
            in.readFully(hdr, 0, PAGE_HEADER_SIZE, "a 6-byte page header");
            int pgno = u32(hdr, 0);
            int flags = u16(hdr, 4);
            if (pgno != expectedPgno) {
                throw in.error(
                        fileOffset,
                        "expected the frame of page " + Integer.toUnsignedString(expectedPgno) + ", found page "
                                + Integer.toUnsignedString(pgno));
            }
            checkPageHeader(in, fileOffset, pgno, flags);
            if (flags == FLAG_SIZE_PREFIXED) {
                int len = readCompressedLength(in, pageSize, pgno);
                long payloadAt = in.offset();
                if (frame.remaining() != len) {
                    throw in.error(
                            payloadAt,
                            "expected " + len + " bytes of LZ4 block for page " + pgno + " up to the end of the "
                                    + total + "-byte frame, found " + frame.remaining());
                }
                decompressBlock(frame, frame.position(), len, page, pageSize, source, payloadAt, pgno);
                frame.position(frame.limit());
            } else {
                byte[] scratch = new byte[maxCompressedLength(pageSize)];
                decodeLegacy(in, fileOffset, pgno, pageSize, page, scratch);
                if (in.remaining() != 0) {
                    throw in.error(
                            in.offset(),
                            "expected the legacy LZ4 frame of page " + pgno + " to end at the end of the " + total
                                    + "-byte frame, but " + in.remaining() + " bytes follow it");
                }
            }
        } catch (LtxFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("a buffer source cannot fail with a plain IOException", e);
        }
    }

    static void checkPageArgs(int pageSize, byte[] page) {
        if (!LtxHeader.isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("invalid page size " + pageSize);
        }
        if (page.length < pageSize) {
            throw new IllegalArgumentException(
                    "page buffer of " + page.length + " bytes is shorter than the page size " + pageSize);
        }
    }

    /** Checks a non-end-marker page header's flags (pgno is known to be non-zero). */
    static void checkPageHeader(ByteSource in, long frameOffset, int pgno, int flags) throws LtxFormatException {
        if (flags != 0 && flags != FLAG_SIZE_PREFIXED) {
            throw in.error(
                    frameOffset + 4,
                    String.format(
                            Locale.ROOT,
                            "expected page header flags 0 or 1 for page %s, found 0x%04x",
                            Integer.toUnsignedString(pgno),
                            flags));
        }
    }

    /** Reads and bounds the u32 compressed length of a current-encoding frame. */
    static int readCompressedLength(ByteSource in, int pageSize, int pgno) throws IOException {
        long at = in.offset();
        byte[] b = new byte[4];
        in.readFully(b, 0, 4, "the compressed length of page " + pgno);
        long len = Integer.toUnsignedLong(u32(b, 0));
        int max = maxCompressedLength(pageSize);
        if (len < 1 || len > max) {
            throw in.error(
                    at,
                    "expected a compressed length of page " + pgno + " in 1.." + max + " (LZ4 worst case for page size "
                            + pageSize + "), found " + len);
        }
        return (int) len;
    }

    /** Decompresses one raw LZ4 block that must yield exactly one page. */
    static void decompressBlock(
            ByteBuffer src, int srcOff, int len, byte[] page, int pageSize, String source, long payloadAt, int pgno)
            throws LtxFormatException {
        int n;
        try {
            n = DECOMPRESSOR.decompress(src, srcOff, len, ByteBuffer.wrap(page), 0, pageSize);
        } catch (RuntimeException e) { // LZ4Exception, or a bounds error on malformed input
            throw new LtxFormatException(
                    source,
                    payloadAt,
                    "expected a valid " + len + "-byte LZ4 block for page " + pgno + " that decompresses to " + pageSize
                            + " bytes: " + e.getMessage(),
                    e);
        }
        if (n != pageSize) {
            throw new LtxFormatException(
                    source,
                    payloadAt,
                    "expected the LZ4 block of page " + pgno + " to decompress to the page size " + pageSize
                            + ", found " + n + " bytes");
        }
    }

    /** Decompresses one raw LZ4 block from an array into {@code page[0, pageSize)}. */
    static void decompressBlock(
            byte[] src, int srcOff, int len, byte[] page, int pageSize, String source, long payloadAt, int pgno)
            throws LtxFormatException {
        decompressBlock(ByteBuffer.wrap(src), srcOff, len, page, pageSize, source, payloadAt, pgno);
    }

    /**
     * Parses one legacy LZ4 frame (after the 6-byte page header) from {@code in}, decompressing it into {@code
     * page}, verifying the header checksum, block checksums and content checksum when present, and stopping
     * exactly after the frame's last byte.
     *
     * @param frameOffset file offset of the page header, to bound the frame size
     * @param scratch at least {@link #maxCompressedLength(int)} bytes
     */
    static void decodeLegacy(ByteSource in, long frameOffset, int pgno, int pageSize, byte[] page, byte[] scratch)
            throws IOException {
        long maxEnd = frameOffset + maxFrameSize(pageSize);
        long magicAt = in.offset();
        int magic = in.readIntLE("the LZ4 frame magic of page " + pgno);
        if (magic != LZ4_FRAME_MAGIC) {
            throw in.error(
                    magicAt,
                    String.format(
                            Locale.ROOT,
                            "expected the LZ4 frame magic 04 22 4D 18 of legacy page %d (page flags 0), found %02X %02X"
                                    + " %02X %02X",
                            pgno,
                            magic & 0xFF,
                            (magic >>> 8) & 0xFF,
                            (magic >>> 16) & 0xFF,
                            magic >>> 24));
        }
        byte[] desc = new byte[2 + 8];
        long flgAt = in.offset();
        int flg = in.readU8("the LZ4 frame FLG byte of page " + pgno);
        int bd = in.readU8("the LZ4 frame BD byte of page " + pgno);
        desc[0] = (byte) flg;
        desc[1] = (byte) bd;
        if ((flg >>> 6) != 1) {
            throw in.error(flgAt, String.format(Locale.ROOT, "expected LZ4 frame version 01, found FLG 0x%02x", flg));
        }
        if ((flg & 0x02) != 0) {
            throw in.error(
                    flgAt, String.format(Locale.ROOT, "expected LZ4 FLG reserved bit 1 clear, found 0x%02x", flg));
        }
        if ((flg & 0x01) != 0) {
            throw in.error(flgAt, "LZ4 frames with a dictionary ID are not supported in LTX files (FLG bit 0 set)");
        }
        boolean independent = (flg & 0x20) != 0;
        boolean blockChecksums = (flg & 0x10) != 0;
        boolean hasContentSize = (flg & 0x08) != 0;
        boolean contentChecksum = (flg & 0x04) != 0;
        if ((bd & 0x8F) != 0 || ((bd >>> 4) & 7) < 4) {
            throw in.error(
                    flgAt + 1,
                    String.format(
                            Locale.ROOT,
                            "expected an LZ4 BD byte with block size code 4..7 and reserved bits clear, found 0x%02x",
                            bd));
        }
        int blockMax = 1 << (8 + 2 * ((bd >>> 4) & 7));
        int descLen = 2;
        if (hasContentSize) {
            long sizeAt = in.offset();
            in.readFully(desc, 2, 8, "the LZ4 content size of page " + pgno);
            descLen = 10;
            long contentSize = 0;
            for (int i = 9; i >= 2; i--) {
                contentSize = (contentSize << 8) | (desc[i] & 0xFF);
            }
            if (contentSize != pageSize) {
                throw in.error(
                        sizeAt,
                        "expected LZ4 content size " + pageSize + " (the page size), found "
                                + Long.toUnsignedString(contentSize));
            }
        }
        long hcAt = in.offset();
        int hc = in.readU8("the LZ4 frame header checksum of page " + pgno);
        int expectedHc = (XXHASH32.hash(desc, 0, descLen, 0) >>> 8) & 0xFF;
        if (hc != expectedHc) {
            throw in.error(
                    hcAt,
                    String.format(
                            Locale.ROOT, "expected LZ4 frame header checksum 0x%02x, found 0x%02x", expectedHc, hc));
        }
        int produced = 0;
        while (true) {
            long blockAt = in.offset();
            if (blockAt + 4 > maxEnd) {
                throw in.error(
                        blockAt,
                        "legacy frame of page " + pgno + " exceeds the maximum frame size " + maxFrameSize(pageSize));
            }
            int word = in.readIntLE("an LZ4 block size or end mark of page " + pgno);
            if (word == 0) {
                break;
            }
            boolean stored = (word & 0x80000000) != 0;
            int size = word & 0x7FFFFFFF;
            int remaining = pageSize - produced;
            int max = stored ? Math.min(remaining, blockMax) : Math.min(maxCompressedLength(remaining), blockMax);
            if (remaining == 0 || size < 1 || size > max) {
                throw in.error(
                        blockAt,
                        String.format(
                                Locale.ROOT,
                                "expected an LZ4 %s block size in 1..%d for page %d (%d of %d bytes decoded), found %d",
                                stored ? "stored" : "compressed",
                                Math.max(max, 0),
                                pgno,
                                produced,
                                pageSize,
                                size));
            }
            if (in.offset() + size + (blockChecksums ? 4 : 0) > maxEnd) {
                throw in.error(
                        blockAt,
                        "legacy frame of page " + pgno + " exceeds the maximum frame size " + maxFrameSize(pageSize));
            }
            long dataAt = in.offset();
            in.readFully(scratch, 0, size, "an LZ4 block of page " + pgno);
            if (blockChecksums) {
                long sumAt = in.offset();
                int sum = in.readIntLE("an LZ4 block checksum of page " + pgno);
                int expected = XXHASH32.hash(scratch, 0, size, 0);
                if (sum != expected) {
                    throw in.error(
                            sumAt,
                            String.format(Locale.ROOT, "expected LZ4 block checksum %08x, found %08x", expected, sum));
                }
            }
            if (stored) {
                System.arraycopy(scratch, 0, page, produced, size);
                produced += size;
            } else {
                int n;
                try {
                    n = DECOMPRESSOR.decompress(scratch, 0, size, page, produced, Math.min(remaining, blockMax));
                } catch (RuntimeException e) {
                    throw new LtxFormatException(
                            in.source,
                            dataAt,
                            "expected a valid " + size + "-byte LZ4 block in the legacy frame of page " + pgno
                                    + (independent ? "" : " (dependent blocks may only reference their own data)")
                                    + ": " + e.getMessage(),
                            e);
                }
                produced += n;
            }
        }
        if (produced != pageSize) {
            throw in.error(
                    in.offset() - 4,
                    "expected the legacy LZ4 frame of page " + pgno + " to decompress to the page size " + pageSize
                            + ", found " + produced + " bytes");
        }
        if (contentChecksum) {
            long sumAt = in.offset();
            int sum = in.readIntLE("the LZ4 content checksum of page " + pgno);
            int expected = XXHASH32.hash(page, 0, pageSize, 0);
            if (sum != expected) {
                throw in.error(
                        sumAt,
                        String.format(
                                Locale.ROOT,
                                "expected LZ4 content checksum %08x (xxHash32 of page %d), found %08x",
                                expected,
                                pgno,
                                sum));
            }
        }
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    static void writeU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }
}

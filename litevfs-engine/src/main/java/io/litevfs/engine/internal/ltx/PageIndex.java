package io.litevfs.engine.internal.ltx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * The page index of one LTX file (spec A.4): for every page frame, in ascending page-number order, the page
 * number, the absolute file offset of the frame and the frame's total length.
 *
 * <p>Immutable; stored as three parallel primitive arrays (16 bytes per page), looked up by binary search.
 *
 * <p>Invariants, checked by {@link #decode} on untrusted input: page numbers are strictly ascending in
 * {@code 1..2^31-1}; frames are back to back, the first at offset {@link LtxHeader#SIZE} and the end of the last
 * one followed by the 6-byte end marker and then the index itself; every frame is at least {@link
 * LtxPageFrames#MIN_FRAME_SIZE} bytes. Page-size dependent rules (commit, lock page, snapshot completeness,
 * maximum frame size) are checked by {@link #validateFor}.
 *
 * <p>On disk: three unsigned LEB128 varints per entry, a single {@code 00} terminator, then a big-endian u64 with
 * the byte length of entries plus terminator. {@link Location} finds the index from the tail of a file.
 */
public final class PageIndex {

    /** Bytes after the index entries: the u64 index length and the trailer. */
    public static final int TAIL_SIZE = 8 + LtxTrailer.SIZE;

    /** The smallest possible LTX file: header, end marker, empty index, length field, trailer. */
    public static final int MIN_FILE_SIZE = LtxHeader.SIZE + LtxPageFrames.PAGE_HEADER_SIZE + 1 + TAIL_SIZE;

    private static final PageIndex EMPTY = new PageIndex(new int[0], new long[0], new int[0], 0);

    private final int[] pgnos;
    private final long[] offsets;
    private final int[] sizes;
    private final int size;

    PageIndex(int[] pgnos, long[] offsets, int[] sizes, int size) {
        this.pgnos = pgnos;
        this.offsets = offsets;
        this.sizes = sizes;
        this.size = size;
    }

    /** Returns the empty index. */
    public static PageIndex empty() {
        return EMPTY;
    }

    /** Returns the number of pages. */
    public int size() {
        return size;
    }

    /** Returns the page number of entry {@code i}. */
    public int pageNumber(int i) {
        return pgnos[checkIndex(i)];
    }

    /** Returns the absolute file offset of the frame of entry {@code i}. */
    public long offset(int i) {
        return offsets[checkIndex(i)];
    }

    /** Returns the total length in bytes of the frame of entry {@code i}. */
    public int frameSize(int i) {
        return sizes[checkIndex(i)];
    }

    /** Returns the highest page number, or 0 for an empty index. */
    public int maxPageNumber() {
        return size == 0 ? 0 : pgnos[size - 1];
    }

    /** Returns the file offset of the end marker: the end of the last frame. */
    public long endOfFrames() {
        return size == 0 ? LtxHeader.SIZE : offsets[size - 1] + sizes[size - 1];
    }

    /** Returns the entry number of page {@code pgno}, or -1 if the file does not contain it. */
    public int find(int pgno) {
        int i = Arrays.binarySearch(pgnos, 0, size, pgno);
        return i >= 0 ? i : -1;
    }

    private int checkIndex(int i) {
        return java.util.Objects.checkIndex(i, size);
    }

    /** Returns the length of the encoded entries plus terminator (the value of the u64 length field). */
    public int encodedEntriesLength() {
        int n = 1;
        for (int i = 0; i < size; i++) {
            n += varintLength(Integer.toUnsignedLong(pgnos[i])) + varintLength(offsets[i]) + varintLength(sizes[i]);
        }
        return n;
    }

    /** Returns the on-disk encoding: entries, the 0 terminator and the big-endian u64 length of both. */
    public byte[] encode() {
        int len = encodedEntriesLength();
        byte[] out = new byte[len + 8];
        int p = 0;
        for (int i = 0; i < size; i++) {
            p = putVarint(out, p, Integer.toUnsignedLong(pgnos[i]));
            p = putVarint(out, p, offsets[i]);
            p = putVarint(out, p, sizes[i]);
        }
        out[p++] = 0;
        ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN).putLong(p, len);
        return out;
    }

    /**
     * Decodes the index entries and terminator: all remaining bytes of {@code entries} (the buffer's position
     * advances to its limit). The terminator must be the last byte, since the length field says where the
     * entries end.
     *
     * @param fileOffsetOfEntries absolute file offset of the first entry byte; frames must end exactly 6 bytes
     *     (the end marker) before it
     * @throws LtxFormatException if a varint is malformed, an entry breaks an invariant, the terminator is missing
     *     or not at the end, or the frames do not tile the page block
     */
    public static PageIndex decode(ByteBuffer entries, String source, long fileOffsetOfEntries)
            throws LtxFormatException {
        ByteSource.OfBuffer in = new ByteSource.OfBuffer(entries, source, fileOffsetOfEntries);
        int total = entries.remaining();
        int cap = Math.min(Math.max(total / 3, 1), 4096);
        int[] pg = new int[cap];
        long[] off = new long[cap];
        int[] sz = new int[cap];
        int n = 0;
        long expectedOffset = LtxHeader.SIZE;
        long prevPgno = 0;
        try {
            while (true) {
                long entryAt = in.offset();
                long pgno = in.readUvarint("a page number in the page index");
                if (pgno == 0) {
                    break;
                }
                if (pgno > Integer.MAX_VALUE || pgno < 0) {
                    throw in.error(
                            entryAt, "expected an index page number below 2^31, found " + Long.toUnsignedString(pgno));
                }
                if (pgno <= prevPgno) {
                    throw in.error(
                            entryAt,
                            "expected index page numbers in strictly ascending order, found page " + pgno
                                    + " after page " + prevPgno);
                }
                long offsetAt = in.offset();
                long frameOffset = in.readUvarint("a frame offset in the page index");
                if (frameOffset != expectedOffset) {
                    throw in.error(
                            offsetAt,
                            String.format(
                                    Locale.ROOT,
                                    "expected the frame of page %d at file offset %d (frames are contiguous), found %s",
                                    pgno,
                                    expectedOffset,
                                    Long.toUnsignedString(frameOffset)));
                }
                long sizeAt = in.offset();
                long frameSize = in.readUvarint("a frame size in the page index");
                if (frameSize < LtxPageFrames.MIN_FRAME_SIZE || frameSize > Integer.MAX_VALUE) {
                    throw in.error(
                            sizeAt,
                            "expected a frame size of at least " + LtxPageFrames.MIN_FRAME_SIZE + " bytes for page "
                                    + pgno + ", found " + Long.toUnsignedString(frameSize));
                }
                long end = frameOffset + frameSize;
                if (end + LtxPageFrames.PAGE_HEADER_SIZE > fileOffsetOfEntries) {
                    throw in.error(
                            sizeAt,
                            String.format(
                                    Locale.ROOT,
                                    "frame of page %d (offset %d, %d bytes) overlaps the end marker, which must be"
                                            + " at offset %d",
                                    pgno,
                                    frameOffset,
                                    frameSize,
                                    fileOffsetOfEntries - LtxPageFrames.PAGE_HEADER_SIZE));
                }
                if (n == pg.length) {
                    int newCap = Math.max(n * 2, 16);
                    pg = Arrays.copyOf(pg, newCap);
                    off = Arrays.copyOf(off, newCap);
                    sz = Arrays.copyOf(sz, newCap);
                }
                pg[n] = (int) pgno;
                off[n] = frameOffset;
                sz[n] = (int) frameSize;
                n++;
                prevPgno = pgno;
                expectedOffset = end;
            }
        } catch (LtxFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("a buffer source cannot fail with a plain IOException", e);
        }
        long terminatorAt = in.offset() - 1;
        if (in.remaining() != 0) {
            throw in.error(
                    terminatorAt,
                    "expected the index terminator as the last of " + total + " index bytes, found it with "
                            + in.remaining() + " bytes left over");
        }
        if (expectedOffset + LtxPageFrames.PAGE_HEADER_SIZE != fileOffsetOfEntries) {
            throw in.error(
                    fileOffsetOfEntries,
                    String.format(
                            Locale.ROOT,
                            "expected the page index to start right after the end marker at offset %d (after the"
                                    + " last indexed frame), but it starts at %d",
                            expectedOffset,
                            fileOffsetOfEntries));
        }
        if (n == 0) {
            return EMPTY;
        }
        return new PageIndex(pg, off, sz, n);
    }

    /**
     * Checks the rules that depend on the header: every page {@code <= commit}, the lock page absent, every frame
     * at most {@link LtxPageFrames#maxFrameSize(int)}, and for a snapshot every page {@code 1..commit} but the lock
     * page present.
     *
     * @param fileOffsetOfEntries absolute file offset of the index entries (used in error messages)
     */
    public void validateFor(LtxHeader header, String source, long fileOffsetOfEntries) throws LtxFormatException {
        int lock = header.lockPageNumber();
        int maxFrame = LtxPageFrames.maxFrameSize(header.pageSize());
        for (int i = 0; i < size; i++) {
            int pgno = pgnos[i];
            if (pgno > header.commit()) {
                throw new LtxFormatException(
                        source,
                        fileOffsetOfEntries,
                        "index entry " + i + ": page " + pgno + " is beyond the commit size of " + header.commit()
                                + " pages");
            }
            if (pgno == lock) {
                throw new LtxFormatException(
                        source,
                        fileOffsetOfEntries,
                        "index entry " + i + ": page " + pgno + " is the lock page, which LTX files never contain");
            }
            if (sizes[i] > maxFrame) {
                throw new LtxFormatException(
                        source,
                        fileOffsetOfEntries,
                        "index entry " + i + ": frame of page " + pgno + " is " + sizes[i]
                                + " bytes, more than the maximum of " + maxFrame + " for page size "
                                + header.pageSize());
            }
            if (header.isSnapshot()) {
                int expected = expectedSnapshotPage(i, lock);
                if (pgno != expected) {
                    throw new LtxFormatException(
                            source,
                            fileOffsetOfEntries,
                            "index entry " + i + ": expected page " + expected
                                    + " (a snapshot holds every page), found page " + pgno);
                }
            }
        }
        if (header.isSnapshot()) {
            int expectedCount = snapshotPageCount(header.commit(), lock);
            if (size != expectedCount) {
                throw new LtxFormatException(
                        source,
                        fileOffsetOfEntries,
                        "expected a snapshot index with " + expectedCount + " pages (commit " + header.commit()
                                + "), found " + size);
            }
        }
    }

    /** The page number of the {@code i}-th (0-based) page of a snapshot. */
    static int expectedSnapshotPage(int i, int lockPgno) {
        int p = i + 1;
        return p >= lockPgno ? p + 1 : p;
    }

    /** The number of pages of a snapshot with the given commit. */
    static int snapshotPageCount(int commit, int lockPgno) {
        return commit >= lockPgno ? commit - 1 : commit;
    }

    /**
     * Where the index of a file lies, computed from the u64 length field 24 bytes before the end of the file.
     *
     * @param fileSize the size of the whole file
     * @param offset absolute file offset of the first index entry byte
     * @param length length of the entries plus terminator
     */
    public record Location(long fileSize, long offset, int length) {

        /** Returns the file offset of the 6-byte end marker that precedes the index. */
        public long endMarkerOffset() {
            return offset - LtxPageFrames.PAGE_HEADER_SIZE;
        }

        /** Returns the file offset of the u64 index length field. */
        public long lengthFieldOffset() {
            return fileSize - TAIL_SIZE;
        }

        /** Returns the file offset of the trailer. */
        public long trailerOffset() {
            return fileSize - LtxTrailer.SIZE;
        }

        /** Returns whether the last {@code tailLength} bytes of the file contain the whole index. */
        public boolean isWithinTail(long tailLength) {
            return fileSize - tailLength <= offset;
        }
    }

    /**
     * Locates the index from the last bytes of a file, as Litestream does with its 32 KiB tail read.
     *
     * @param tail the last {@code tail.remaining()} bytes of the file (at least 24, at most {@code fileSize});
     *     not consumed
     * @param fileSize the size of the whole file
     * @throws LtxFormatException if the file is too small to be an LTX file or the length field is impossible
     * @throws IllegalArgumentException if the tail is longer than the file or shorter than 24 bytes of a file that
     *     has them
     */
    public static Location locate(ByteBuffer tail, long fileSize, String source) throws LtxFormatException {
        if (tail.remaining() > fileSize) {
            throw new IllegalArgumentException(
                    "tail of " + tail.remaining() + " bytes is longer than the file (" + fileSize + " bytes)");
        }
        if (fileSize < MIN_FILE_SIZE) {
            throw new LtxFormatException(
                    source,
                    fileSize,
                    "expected an LTX file of at least " + MIN_FILE_SIZE + " bytes, but it has only " + fileSize);
        }
        if (tail.remaining() < TAIL_SIZE) {
            throw new IllegalArgumentException(
                    "need the last " + TAIL_SIZE + " bytes of the file, got " + tail.remaining());
        }
        long lengthAt = fileSize - TAIL_SIZE;
        long len = tail.order() == ByteOrder.BIG_ENDIAN
                ? tail.getLong(tail.limit() - TAIL_SIZE)
                : Long.reverseBytes(tail.getLong(tail.limit() - TAIL_SIZE));
        long max = Math.min(lengthAt - LtxHeader.SIZE - LtxPageFrames.PAGE_HEADER_SIZE, Integer.MAX_VALUE - 64);
        if (len < 1 || len > max) {
            throw new LtxFormatException(
                    source,
                    lengthAt,
                    "expected a page index length in 1.." + max + " (what fits between the header and the length"
                            + " field of a " + fileSize + "-byte file), found " + Long.toUnsignedString(len));
        }
        return new Location(fileSize, lengthAt - len, (int) len);
    }

    /**
     * Locates and decodes the index from the tail of a file, when the tail contains it, also checking the end
     * marker if the tail holds it.
     *
     * @param tail the last {@code tail.remaining()} bytes of the file; not consumed
     * @throws IllegalArgumentException if the tail does not contain the index (check with {@link #locate} and
     *     {@link Location#isWithinTail} first, and fetch the index with a second ranged read otherwise)
     */
    public static PageIndex decodeFromTail(ByteBuffer tail, long fileSize, String source) throws LtxFormatException {
        Location loc = locate(tail, fileSize, source);
        if (!loc.isWithinTail(tail.remaining())) {
            throw new IllegalArgumentException("the index starts at offset " + loc.offset() + ", before the "
                    + tail.remaining() + "-byte tail of the " + fileSize + "-byte file");
        }
        long tailStart = fileSize - tail.remaining();
        int entriesPos = tail.position() + (int) (loc.offset() - tailStart);
        int markerPos = entriesPos - LtxPageFrames.PAGE_HEADER_SIZE;
        if (markerPos >= tail.position()) {
            for (int i = 0; i < LtxPageFrames.PAGE_HEADER_SIZE; i++) {
                if (tail.get(markerPos + i) != 0) {
                    throw new LtxFormatException(
                            source,
                            loc.endMarkerOffset() + i,
                            String.format(
                                    Locale.ROOT,
                                    "expected the 6 zero bytes of the end marker before the page index, found %s",
                                    LtxHeader.hex(tail, markerPos, LtxPageFrames.PAGE_HEADER_SIZE)));
                }
            }
        }
        return decode(tail.slice(entriesPos, loc.length()), source, loc.offset());
    }

    static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static int putVarint(byte[] out, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PageIndex)) {
            return false;
        }
        PageIndex other = (PageIndex) o;
        return size == other.size
                && Arrays.equals(pgnos, 0, size, other.pgnos, 0, size)
                && Arrays.equals(offsets, 0, size, other.offsets, 0, size)
                && Arrays.equals(sizes, 0, size, other.sizes, 0, size);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + pgnos[i];
            h = 31 * h + Long.hashCode(offsets[i]);
            h = 31 * h + sizes[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "PageIndex[" + size + " pages" + (size == 0 ? "" : ", " + pgnos[0] + ".." + pgnos[size - 1]) + "]";
    }
}

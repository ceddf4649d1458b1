package io.litevfs.engine.internal.ltx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Streaming LTX decoder: reads a whole file front to back from an {@link InputStream}, one page at a time,
 * verifying everything the file can prove about itself.
 *
 * <p>Memory use is bounded by the page size (a 64 KiB read buffer, one compressed-block scratch buffer, the
 * caller's page buffer) plus 16 bytes per page for the index; nothing depends on lengths declared in the file.
 *
 * <p>Checks, in file order: the header (A.2, see {@link LtxHeader}); for every frame the page-header flags, page
 * numbers strictly ascending, {@code <= commit}, not the lock page, snapshots contiguous from page 1, the
 * compressed length bounded by the LZ4 worst case, the LZ4 data valid and exactly one page long (legacy frames:
 * header, block and content checksums); after the end marker the page index must describe exactly the frames that
 * were decoded (page, offset, size), its length field must match, the trailer's flag bits must be right (A.5),
 * the file checksum (A.6.3, computed over the decompressed pages while streaming) must match, a checksum-tracked
 * snapshot's post-apply checksum must equal the checksum of its pages, and the stream must end right after the
 * trailer. The reserved header bytes are not checked (they are covered by the file checksum).
 *
 * <p>Usage: call {@link #header()}, then {@link #readPage(byte[])} until it returns 0; then {@link #index()} and
 * {@link #trailer()} are available. After any exception the decoder is failed and rethrows it. Not thread-safe.
 */
public final class LtxDecoder implements AutoCloseable {

    private enum State {
        START,
        PAGES,
        DONE,
        FAILED
    }

    private final Input in;
    private final String source;
    private State state = State.START;
    private @Nullable IOException failure;

    private @Nullable LtxHeader header;
    private byte @Nullable [] scratch;
    private int lockPgno;
    private int prevPgno;
    private long databaseChecksum;

    private int count;
    private int[] pgnos = new int[64];
    private long[] offsets = new long[64];
    private int[] sizes = new int[64];

    private @Nullable PageIndex index;
    private @Nullable LtxTrailer trailer;

    /**
     * Creates a decoder; nothing is read until {@link #header()} or {@link #readPage(byte[])}.
     *
     * @param in the file, from its first byte; closed by {@link #close()}
     * @param source the file name used in error messages
     */
    public LtxDecoder(InputStream in, String source) {
        this.in = new Input(Objects.requireNonNull(in, "in"), Objects.requireNonNull(source, "source"));
        this.source = source;
    }

    /**
     * Returns the header, reading and validating it on the first call.
     *
     * @throws LtxFormatException if the header is short or invalid
     * @throws IOException if the stream fails
     */
    public LtxHeader header() throws IOException {
        if (header != null) {
            return header;
        }
        checkNotFailed();
        try {
            byte[] b = new byte[LtxHeader.SIZE];
            in.readTracked(b, 0, LtxHeader.SIZE, "the 100-byte LTX header");
            LtxHeader h = LtxHeader.decode(ByteBuffer.wrap(b), source);
            header = h;
            lockPgno = h.lockPageNumber();
            scratch = new byte[LtxPageFrames.maxCompressedLength(h.pageSize())];
            state = State.PAGES;
            return h;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Decodes the next page frame into {@code page[0, pageSize)} and returns its page number; returns 0 once the
     * end marker is reached, after reading and verifying the index and trailer (and on every later call).
     *
     * @param page receives the page; at least {@code pageSize} bytes
     * @throws LtxFormatException if the file is malformed
     * @throws IOException if the stream fails
     * @throws IllegalArgumentException if {@code page} is shorter than the page size
     */
    public int readPage(byte[] page) throws IOException {
        LtxHeader h = header();
        if (state == State.DONE) {
            return 0;
        }
        checkNotFailed();
        LtxPageFrames.checkPageArgs(h.pageSize(), page);
        try {
            return readFrame(h, page);
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private int readFrame(LtxHeader h, byte[] page) throws IOException {
        int pageSize = h.pageSize();
        long frameAt = in.offset();
        byte[] hdr = new byte[LtxPageFrames.PAGE_HEADER_SIZE];
        in.readTracked(hdr, 0, hdr.length, "a 6-byte page header or the end marker");
        int pgno = LtxPageFrames.u32(hdr, 0);
        int flags = LtxPageFrames.u16(hdr, 4);
        if (pgno == 0) {
            if (flags != 0) {
                throw in.error(
                        frameAt + 4,
                        String.format(Locale.ROOT, "expected end marker flags 0 (page number 0), found 0x%04x", flags));
            }
            finishFile(h, frameAt);
            return 0;
        }
        LtxPageFrames.checkPageHeader(in, frameAt, pgno, flags);
        checkPageNumber(h, frameAt, pgno);
        byte[] s = Objects.requireNonNull(scratch);
        if (flags == LtxPageFrames.FLAG_SIZE_PREFIXED) {
            byte[] lenBytes = new byte[4];
            int len = LtxPageFrames.readCompressedLength(in, pageSize, pgno);
            LtxPageFrames.writeU32(lenBytes, 0, len);
            in.crc.update(lenBytes, 0, 4); // the length field is covered by the file checksum
            long payloadAt = in.offset();
            in.readFully(s, 0, len, "the " + len + "-byte LZ4 block of page " + pgno);
            LtxPageFrames.decompressBlock(s, 0, len, page, pageSize, source, payloadAt, pgno);
        } else {
            // The LZ4 frame bytes are not covered by the file checksum; only the decompressed page is.
            in.tracking = false;
            LtxPageFrames.decodeLegacy(in, frameAt, pgno, pageSize, page, s);
            in.tracking = true;
        }
        in.crc.update(page, 0, pageSize);
        if (!h.noChecksum() && h.isSnapshot()) {
            databaseChecksum ^= Crc64.pageChecksum(pgno, page, 0, pageSize);
        }
        long frameSize = in.offset() - frameAt;
        addFrame(pgno, frameAt, (int) frameSize);
        prevPgno = pgno;
        return pgno;
    }

    private void checkPageNumber(LtxHeader h, long frameAt, int pgno) throws LtxFormatException {
        String p = Integer.toUnsignedString(pgno);
        if (Integer.compareUnsigned(pgno, h.commit()) > 0) {
            throw in.error(frameAt, "expected a page number <= commit " + h.commit() + ", found page " + p);
        }
        if (pgno <= prevPgno) {
            throw in.error(
                    frameAt,
                    "expected page numbers in strictly ascending order, found page " + p + " after page " + prevPgno);
        }
        if (pgno == lockPgno) {
            throw in.error(frameAt, "found the lock page " + p + ", which LTX files never contain");
        }
        if (h.isSnapshot()) {
            int expected = PageIndex.expectedSnapshotPage(count, lockPgno);
            if (pgno != expected) {
                throw in.error(
                        frameAt,
                        "expected page " + expected + " (a snapshot holds every page from 1 to commit), found page "
                                + p);
            }
        }
    }

    private void addFrame(int pgno, long offset, int size) {
        if (count == pgnos.length) {
            int cap = count * 2;
            pgnos = Arrays.copyOf(pgnos, cap);
            offsets = Arrays.copyOf(offsets, cap);
            sizes = Arrays.copyOf(sizes, cap);
        }
        pgnos[count] = pgno;
        offsets[count] = offset;
        sizes[count] = size;
        count++;
    }

    /** Reads everything after the end marker: index (checked against the frames), length field, trailer, EOF. */
    private void finishFile(LtxHeader h, long markerAt) throws IOException {
        if (h.isSnapshot()) {
            int expected = PageIndex.snapshotPageCount(h.commit(), lockPgno);
            if (count != expected) {
                throw in.error(
                        markerAt,
                        "expected " + expected + " pages in a snapshot with commit " + h.commit()
                                + " before the end marker, found " + count);
            }
        }
        long indexAt = in.offset();
        for (int i = 0; ; i++) {
            long entryAt = in.offset();
            long pgno = in.readUvarint("a page number in the page index");
            if (pgno == 0) {
                if (i != count) {
                    throw in.error(
                            entryAt,
                            "expected " + count + " page index entries (one per frame), found the terminator after "
                                    + i);
                }
                break;
            }
            if (i == count) {
                throw in.error(
                        entryAt,
                        "expected the page index terminator after " + count + " entries (one per frame), found page "
                                + Long.toUnsignedString(pgno));
            }
            long offset = in.readUvarint("a frame offset in the page index");
            long size = in.readUvarint("a frame size in the page index");
            if (pgno != pgnos[i] || offset != offsets[i] || size != sizes[i]) {
                throw in.error(
                        entryAt,
                        String.format(
                                Locale.ROOT,
                                "expected page index entry %d to be (page %d, offset %d, size %d) as decoded, found"
                                        + " (page %s, offset %s, size %s)",
                                i,
                                pgnos[i],
                                offsets[i],
                                sizes[i],
                                Long.toUnsignedString(pgno),
                                Long.toUnsignedString(offset),
                                Long.toUnsignedString(size)));
            }
        }
        long indexLen = in.offset() - indexAt;
        long lengthAt = in.offset();
        long declared = in.readLongTracked("the u64 page index length");
        if (declared != indexLen) {
            throw in.error(
                    lengthAt, "expected page index length " + indexLen + ", found " + Long.toUnsignedString(declared));
        }
        long trailerAt = in.offset();
        long post = in.readLongTracked("the post-apply checksum in the trailer");
        long computed = in.crc.flaggedValue();
        byte[] fc = new byte[8];
        in.readFully(fc, 0, 8, "the file checksum in the trailer");
        long fileChecksum = ByteBuffer.wrap(fc).getLong();
        LtxTrailer t = new LtxTrailer(post, fileChecksum);
        t.checkFlags(source, trailerAt);
        if (fileChecksum != computed) {
            throw in.error(
                    trailerAt + 8,
                    String.format(
                            Locale.ROOT,
                            "file checksum mismatch: computed %016x, found %016x",
                            computed,
                            fileChecksum));
        }
        t.validateFor(h, source, trailerAt);
        if (!h.noChecksum() && h.isSnapshot()) {
            long expected = Crc64.CHECKSUM_FLAG | databaseChecksum;
            if (post != expected) {
                throw in.error(
                        trailerAt,
                        String.format(
                                Locale.ROOT,
                                "expected the post-apply checksum of the snapshot's pages %016x, found %016x",
                                expected,
                                post));
            }
        }
        in.expectEof();
        index = new PageIndex(pgnos, offsets, sizes, count);
        trailer = t;
        state = State.DONE;
    }

    /** Returns the page index (equal to the index stored in the file); valid after {@link #readPage} returned 0. */
    public PageIndex index() {
        checkDone();
        return Objects.requireNonNull(index);
    }

    /** Returns the verified trailer; valid after {@link #readPage} returned 0. */
    public LtxTrailer trailer() {
        checkDone();
        return Objects.requireNonNull(trailer);
    }

    /** Returns the number of page frames decoded so far. */
    public int pageCount() {
        return count;
    }

    /** Returns the number of bytes consumed from the stream so far. */
    public long offset() {
        return in.offset();
    }

    private void checkDone() {
        if (state != State.DONE) {
            throw new IllegalStateException("the file has not been decoded to its end yet");
        }
    }

    private void checkNotFailed() throws IOException {
        if (state == State.FAILED) {
            throw Objects.requireNonNull(failure);
        }
    }

    private IOException fail(IOException e) {
        state = State.FAILED;
        failure = e;
        return e;
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.stream.close();
    }

    /**
     * Decodes and verifies a whole file, discarding the pages.
     *
     * @throws LtxFormatException if the file is malformed in any way the decoder checks
     */
    public static void verify(InputStream in, String source) throws IOException {
        LtxDecoder d = new LtxDecoder(in, source);
        byte[] page = new byte[d.header().pageSize()];
        while (d.readPage(page) != 0) {
            // all checks happen inside readPage
        }
    }

    /** Buffered stream reader that tracks the file offset and feeds "tracked" bytes into the file checksum. */
    private static final class Input extends ByteSource {
        final InputStream stream;
        final Crc64 crc = new Crc64();
        /** Whether {@link #readU8} feeds the file checksum. */
        boolean tracking = true;

        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int lim;
        private long bufStart; // file offset of buf[0]
        private boolean eof;

        Input(InputStream stream, String source) {
            super(source);
            this.stream = stream;
        }

        @Override
        long offset() {
            return bufStart + pos;
        }

        /** Ensures at least one unread byte; returns false at the end of the stream. */
        private boolean fill() throws IOException {
            if (pos < lim) {
                return true;
            }
            if (eof) {
                return false;
            }
            bufStart += lim;
            pos = 0;
            lim = 0;
            int n;
            do {
                n = stream.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                eof = true;
                return false;
            }
            lim = n;
            return true;
        }

        @Override
        int readU8(String what) throws IOException {
            if (!fill()) {
                throw error(offset(), "expected " + what + ", but the file ends here");
            }
            int b = buf[pos++] & 0xFF;
            if (tracking) {
                crc.update(b);
            }
            return b;
        }

        /** Untracked read: the bytes do not enter the file checksum. */
        @Override
        void readFully(byte[] dst, int off, int len, String what) throws IOException {
            long start = offset();
            int done = 0;
            while (done < len) {
                if (!fill()) {
                    throw error(
                            start,
                            String.format(
                                    Locale.ROOT,
                                    "expected %s (%d bytes), but the file ends after %d",
                                    what,
                                    len,
                                    done));
                }
                int n = Math.min(len - done, lim - pos);
                System.arraycopy(buf, pos, dst, off + done, n);
                pos += n;
                done += n;
            }
        }

        void readTracked(byte[] dst, int off, int len, String what) throws IOException {
            readFully(dst, off, len, what);
            crc.update(dst, off, len);
        }

        long readLongTracked(String what) throws IOException {
            byte[] b = new byte[8];
            readTracked(b, 0, 8, what);
            return ByteBuffer.wrap(b).getLong();
        }

        void expectEof() throws IOException {
            if (fill()) {
                throw error(offset(), "expected the end of the file after the trailer, but more data follows");
            }
        }
    }
}

package io.litevfs.engine.internal.ltx;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.jspecify.annotations.Nullable;

/**
 * Writes an LTX file in the current encoding (spec A.8): header, one size-prefixed raw-LZ4-block frame per page
 * (page flags {@code 0x0001}), the 6-byte end marker, the page index, its u64 length and the trailer with the file
 * checksum. The byte layout is identical to Litestream's (superfly/ltx v0.5.2 {@code Encoder}); the compressed
 * bytes themselves come from lz4-java's fast compressor and may differ from Go's, which any reader accepts.
 *
 * <p>Caller errors are unchecked: pages out of order, beyond commit, the lock page, gaps in a snapshot, a
 * trailer checksum that contradicts the header ({@link IllegalArgumentException}); use after {@link #finish} or a
 * failed write ({@link IllegalStateException}). Output errors are {@link IOException}s from the stream.
 *
 * <p>For a checksum-tracked snapshot the encoder computes the database checksum of the pages written and refuses
 * a different post-apply checksum, so that everything it writes passes {@link LtxDecoder}. Not thread-safe.
 */
public final class LtxEncoder implements AutoCloseable {

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

    private final OutputStream out;
    private final LtxHeader header;
    private final Crc64 crc = new Crc64();
    private final byte[] frame;
    private final int lockPgno;

    private long offset;
    private int prevPgno;
    private long databaseChecksum;
    private boolean finished;
    private boolean broken;

    private int count;
    private int[] pgnos = new int[64];
    private long[] offsets = new long[64];
    private int[] sizes = new int[64];
    private @Nullable PageIndex index;

    /**
     * Writes the header. The header is valid by construction ({@link LtxHeader}'s invariant covers A.2).
     *
     * @param out receives the file; closed by {@link #close()}
     */
    public LtxEncoder(OutputStream out, LtxHeader header) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.header = Objects.requireNonNull(header, "header");
        this.lockPgno = header.lockPageNumber();
        this.frame = new byte[10 + LtxPageFrames.maxCompressedLength(header.pageSize())];
        write(header.encode(), 0, LtxHeader.SIZE, true);
    }

    /** Returns the header being written. */
    public LtxHeader header() {
        return header;
    }

    /**
     * Compresses and writes one page.
     *
     * @param pgno the page number: greater than the previous one, {@code <= commit}, not the lock page; in a
     *     snapshot exactly the next page (skipping only the lock page)
     * @param page holds the page at {@code [off, off + pageSize)}
     * @throws IllegalArgumentException if a rule above is broken or the page range is out of bounds
     */
    public void writePage(int pgno, byte[] page, int off) throws IOException {
        checkWritable();
        int pageSize = header.pageSize();
        Objects.checkFromIndexSize(off, pageSize, page.length);
        if (pgno < 1 || pgno > header.commit()) {
            throw new IllegalArgumentException(
                    "page " + Integer.toUnsignedString(pgno) + " is outside 1..commit (" + header.commit() + ")");
        }
        if (pgno == lockPgno) {
            throw new IllegalArgumentException("page " + pgno + " is the lock page and cannot be written");
        }
        if (pgno <= prevPgno) {
            throw new IllegalArgumentException(
                    "pages must be written in strictly ascending order: page " + pgno + " after page " + prevPgno);
        }
        if (header.isSnapshot()) {
            int expected = PageIndex.expectedSnapshotPage(count, lockPgno);
            if (pgno != expected) {
                throw new IllegalArgumentException(
                        "a snapshot must hold every page: expected page " + expected + ", got page " + pgno);
            }
        }
        int len = COMPRESSOR.compress(page, off, pageSize, frame, 10, frame.length - 10);
        LtxPageFrames.writeU32(frame, 0, pgno);
        frame[4] = 0;
        frame[5] = (byte) LtxPageFrames.FLAG_SIZE_PREFIXED;
        LtxPageFrames.writeU32(frame, 6, len);
        long frameAt = offset;
        crc.update(frame, 0, 10);
        crc.update(page, off, pageSize);
        write(frame, 0, 10 + len, false);
        if (!header.noChecksum() && header.isSnapshot()) {
            databaseChecksum ^= Crc64.pageChecksum(pgno, page, off, pageSize);
        }
        if (count == pgnos.length) {
            int cap = count * 2;
            pgnos = Arrays.copyOf(pgnos, cap);
            offsets = Arrays.copyOf(offsets, cap);
            sizes = Arrays.copyOf(sizes, cap);
        }
        pgnos[count] = pgno;
        offsets[count] = frameAt;
        sizes[count] = 10 + len;
        count++;
        prevPgno = pgno;
    }

    /**
     * Writes the end marker, the index, its length and the trailer, and flushes (without closing) the stream.
     *
     * @param postApplyChecksum 0 for a checksum-free file; otherwise the database checksum after applying the file
     *     ({@code CHECKSUM_FLAG} exactly when {@code commit == 0})
     * @return the trailer written, with the file checksum
     * @throws IllegalArgumentException if the checksum contradicts the header or a snapshot is incomplete
     */
    public LtxTrailer finish(long postApplyChecksum) throws IOException {
        checkWritable();
        if (header.noChecksum()) {
            if (postApplyChecksum != 0) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "a NoChecksum file needs post-apply checksum 0, got %016x", postApplyChecksum));
            }
        } else if (header.commit() == 0) {
            if (postApplyChecksum != Crc64.CHECKSUM_FLAG) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "commit 0 needs post-apply checksum 8000000000000000, got %016x",
                        postApplyChecksum));
            }
        } else if ((postApplyChecksum & Crc64.CHECKSUM_FLAG) == 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "post-apply checksum %016x does not have bit 63 set", postApplyChecksum));
        }
        if (header.isSnapshot()) {
            int expected = PageIndex.snapshotPageCount(header.commit(), lockPgno);
            if (count != expected) {
                throw new IllegalArgumentException(
                        "a snapshot with commit " + header.commit() + " needs " + expected + " pages, got " + count);
            }
            if (!header.noChecksum() && postApplyChecksum != (Crc64.CHECKSUM_FLAG | databaseChecksum)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "post-apply checksum %016x differs from the checksum of the snapshot's pages %016x",
                        postApplyChecksum,
                        Crc64.CHECKSUM_FLAG | databaseChecksum));
            }
        }
        PageIndex idx = new PageIndex(pgnos, offsets, sizes, count);
        byte[] marker = new byte[LtxPageFrames.PAGE_HEADER_SIZE];
        write(marker, 0, marker.length, true);
        byte[] encodedIndex = idx.encode();
        write(encodedIndex, 0, encodedIndex.length, true);
        byte[] post = new byte[8];
        java.nio.ByteBuffer.wrap(post).putLong(postApplyChecksum);
        crc.update(post, 0, 8);
        LtxTrailer trailer = new LtxTrailer(postApplyChecksum, crc.flaggedValue());
        write(trailer.encode(), 0, LtxTrailer.SIZE, false);
        out.flush();
        finished = true;
        index = idx;
        return trailer;
    }

    /** Returns the index of the pages written; valid after {@link #finish}. */
    public PageIndex index() {
        if (index == null) {
            throw new IllegalStateException("finish() has not been called");
        }
        return index;
    }

    /** Returns the number of bytes written so far. */
    public long bytesWritten() {
        return offset;
    }

    /** Closes the underlying stream (without finishing the file if {@link #finish} was not called). */
    @Override
    public void close() throws IOException {
        out.close();
    }

    private void checkWritable() {
        if (finished) {
            throw new IllegalStateException("the file is already finished");
        }
        if (broken) {
            throw new IllegalStateException("a previous write failed; the output is incomplete");
        }
    }

    private void write(byte[] b, int off, int len, boolean checksummed) throws IOException {
        if (checksummed) {
            crc.update(b, off, len);
        }
        try {
            out.write(b, off, len);
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
        offset += len;
    }
}

package io.litevfs.engine.internal.ltx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The 16-byte LTX trailer (spec A.5): the post-apply database checksum and the file checksum (A.6.3), both
 * big-endian u64.
 *
 * <p>This record itself accepts any values; {@link #decode} checks the structural rules (file checksum non-zero
 * with bit 63 set, post-apply checksum 0 or with bit 63 set) and {@link #validateFor} the rules that depend on
 * the header.
 *
 * @param postApplyChecksum database checksum after applying the file (0 in checksum-free files)
 * @param fileChecksum {@code CHECKSUM_FLAG | CRC64} of the file's logical content
 */
public record LtxTrailer(long postApplyChecksum, long fileChecksum) {

    /** Encoded size in bytes. */
    public static final int SIZE = 16;

    /**
     * Decodes the 16 bytes at {@code buf.position()}, advancing the position, and checks the flag bits.
     *
     * @param fileOffset the file offset of the trailer, for error messages
     * @throws LtxFormatException if fewer than 16 bytes remain or a flag bit is wrong
     */
    public static LtxTrailer decode(ByteBuffer buf, String source, long fileOffset) throws LtxFormatException {
        if (buf.remaining() < SIZE) {
            throw new LtxFormatException(
                    source,
                    fileOffset,
                    "expected a 16-byte trailer, but the data ends after " + buf.remaining() + " bytes");
        }
        ByteBuffer b = buf.slice(buf.position(), SIZE).order(ByteOrder.BIG_ENDIAN);
        LtxTrailer t = new LtxTrailer(b.getLong(0), b.getLong(8));
        t.checkFlags(source, fileOffset);
        buf.position(buf.position() + SIZE);
        return t;
    }

    void checkFlags(String source, long fileOffset) throws LtxFormatException {
        if ((fileChecksum & Crc64.CHECKSUM_FLAG) == 0) {
            throw new LtxFormatException(
                    source,
                    fileOffset + 8,
                    String.format(Locale.ROOT, "expected a file checksum with bit 63 set, found %016x", fileChecksum));
        }
        if (postApplyChecksum != 0 && (postApplyChecksum & Crc64.CHECKSUM_FLAG) == 0) {
            throw new LtxFormatException(
                    source,
                    fileOffset,
                    String.format(
                            Locale.ROOT,
                            "expected a post-apply checksum that is 0 or has bit 63 set, found %016x",
                            postApplyChecksum));
        }
    }

    /**
     * Checks the header-dependent rules: a checksum-free file has post-apply checksum 0, a checksum-tracked file a
     * non-zero one, and a file with {@code commit == 0} exactly {@code CHECKSUM_FLAG} (the empty database).
     *
     * @param fileOffset the file offset of the trailer, for error messages
     */
    public void validateFor(LtxHeader header, String source, long fileOffset) throws LtxFormatException {
        checkFlags(source, fileOffset);
        if (header.noChecksum()) {
            if (postApplyChecksum != 0) {
                throw new LtxFormatException(
                        source,
                        fileOffset,
                        String.format(
                                Locale.ROOT,
                                "expected post-apply checksum 0 in a NoChecksum file, found %016x",
                                postApplyChecksum));
            }
        } else if (header.commit() == 0) {
            if (postApplyChecksum != Crc64.CHECKSUM_FLAG) {
                throw new LtxFormatException(
                        source,
                        fileOffset,
                        String.format(
                                Locale.ROOT,
                                "expected post-apply checksum 8000000000000000 (empty database) for commit 0,"
                                        + " found %016x",
                                postApplyChecksum));
            }
        } else if (postApplyChecksum == 0) {
            throw new LtxFormatException(
                    source, fileOffset, "expected a non-zero post-apply checksum in a checksum-tracked file, found 0");
        }
    }

    /** Returns the 16-byte encoding. */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.putLong(0, postApplyChecksum);
        b.putLong(8, fileChecksum);
        return out;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "LtxTrailer[postApplyChecksum=%016x, fileChecksum=%016x]",
                postApplyChecksum,
                fileChecksum);
    }
}

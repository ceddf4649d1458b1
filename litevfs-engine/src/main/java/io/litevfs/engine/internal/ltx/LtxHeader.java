package io.litevfs.engine.internal.ltx;

import io.litevfs.ltx.TxId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The 100-byte LTX header (spec A.2). All integers are big-endian on disk.
 *
 * <p>Invariant: every instance satisfies the A.2 rules — the compact constructor rejects anything else with an
 * {@link IllegalArgumentException}, and {@link #decode} reports the same rules as {@link LtxFormatException}s
 * naming the offending field's offset. The rules are those of the Go decoder (magic, flag bits, page size, TXIDs,
 * WAL fields, pre-apply checksum) plus one the Go encoder enforces at close: a checksum-free file cannot have
 * {@code commit == 0}, since an empty database needs the post-apply checksum {@code CHECKSUM_FLAG}.
 *
 * <p>The 20 reserved bytes at offset 80 are written as zeros and ignored when reading, like the Go decoder does
 * (they are still covered by the file checksum).
 *
 * @param flags header flags; only {@link #FLAG_NO_CHECKSUM} is defined
 * @param pageSize database page size in bytes, a power of two in 512..65536
 * @param commit database size in pages after applying the file
 * @param minTxId first transaction covered (at least 1)
 * @param maxTxId last transaction covered (at least {@code minTxId})
 * @param timestamp creation time in milliseconds since the Unix epoch
 * @param preApplyChecksum database checksum before applying (0 for snapshots and checksum-free files)
 * @param walOffset informational WAL offset (at least 0)
 * @param walSize informational WAL size (at least 0; non-zero only with a non-zero walOffset)
 * @param walSalt1 informational WAL salt 1 (non-zero only with a non-zero walOffset)
 * @param walSalt2 informational WAL salt 2 (non-zero only with a non-zero walOffset)
 * @param nodeId creator node id (LiteFS), 0 in Litestream
 */
public record LtxHeader(
        int flags,
        int pageSize,
        int commit,
        TxId minTxId,
        TxId maxTxId,
        long timestamp,
        long preApplyChecksum,
        long walOffset,
        long walSize,
        int walSalt1,
        int walSalt2,
        long nodeId) {

    /** Encoded size in bytes. */
    public static final int SIZE = 100;

    /** The only defined header flag: the file carries no database checksums. */
    public static final int FLAG_NO_CHECKSUM = 2;

    /** The magic number "LTX1". */
    public static final int MAGIC = 0x4C545831;

    /** Smallest legal page size. */
    public static final int MIN_PAGE_SIZE = 512;

    /** Largest legal page size. */
    public static final int MAX_PAGE_SIZE = 65536;

    static final int OFF_FLAGS = 4;
    static final int OFF_PAGE_SIZE = 8;
    static final int OFF_COMMIT = 12;
    static final int OFF_MIN_TXID = 16;
    static final int OFF_MAX_TXID = 24;
    static final int OFF_TIMESTAMP = 32;
    static final int OFF_PRE_APPLY = 40;
    static final int OFF_WAL_OFFSET = 48;
    static final int OFF_WAL_SIZE = 56;
    static final int OFF_WAL_SALT1 = 64;
    static final int OFF_WAL_SALT2 = 68;
    static final int OFF_NODE_ID = 72;

    /**
     * Validates the header.
     *
     * @throws IllegalArgumentException if any A.2 rule is broken
     */
    public LtxHeader {
        Objects.requireNonNull(minTxId, "minTxId");
        Objects.requireNonNull(maxTxId, "maxTxId");
        Problem p = problem(
                flags,
                pageSize,
                commit,
                minTxId.value(),
                maxTxId.value(),
                preApplyChecksum,
                walOffset,
                walSize,
                walSalt1,
                walSalt2);
        if (p != null) {
            throw new IllegalArgumentException("invalid LTX header: " + p.message);
        }
    }

    /**
     * A checksum-free header as Litestream v0.5 writes it: flags {@link #FLAG_NO_CHECKSUM}, zero pre-apply
     * checksum, no WAL fields, node id 0.
     */
    public static LtxHeader checksumFree(int pageSize, int commit, TxId minTxId, TxId maxTxId, long timestampMs) {
        return new LtxHeader(FLAG_NO_CHECKSUM, pageSize, commit, minTxId, maxTxId, timestampMs, 0, 0, 0, 0, 0, 0);
    }

    /** Returns whether this is a snapshot ({@code minTxId == 1}): it holds every page 1..commit but the lock page. */
    public boolean isSnapshot() {
        return minTxId.value() == 1;
    }

    /** Returns whether the file is checksum-free (flag {@link #FLAG_NO_CHECKSUM}). */
    public boolean noChecksum() {
        return (flags & FLAG_NO_CHECKSUM) != 0;
    }

    /** Returns {@link #timestamp} as an instant. */
    public Instant timestampInstant() {
        return Instant.ofEpochMilli(timestamp);
    }

    /** Returns this file's lock page number ({@link #lockPageNumber(int)} of the page size). */
    public int lockPageNumber() {
        return lockPageNumber(pageSize);
    }

    /**
     * Returns the lock ("pending byte") page number for a page size: {@code 0x40000000 / pageSize + 1}. LTX files
     * never contain it; it is zero-filled on restore and excluded from database checksums.
     */
    public static int lockPageNumber(int pageSize) {
        return 0x40000000 / pageSize + 1;
    }

    /** Returns whether {@code pageSize} is a legal LTX page size (a power of two in 512..65536). */
    public static boolean isValidPageSize(int pageSize) {
        return pageSize >= MIN_PAGE_SIZE && pageSize <= MAX_PAGE_SIZE && Integer.bitCount(pageSize) == 1;
    }

    /**
     * Decodes and validates the header from the {@link #SIZE} bytes at {@code buf.position()}, advancing the
     * position past them. The buffer's byte order is irrelevant. The header is assumed to start at file offset 0
     * (error offsets are field offsets).
     *
     * @throws LtxFormatException if fewer than 100 bytes remain or any A.2 rule is broken
     */
    public static LtxHeader decode(ByteBuffer buf, String source) throws LtxFormatException {
        if (buf.remaining() < SIZE) {
            throw new LtxFormatException(
                    source,
                    buf.remaining(),
                    "expected a " + SIZE + "-byte LTX header, but the data ends after " + buf.remaining() + " bytes");
        }
        ByteBuffer b = buf.slice(buf.position(), SIZE).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw new LtxFormatException(
                    source,
                    0,
                    String.format(Locale.ROOT, "expected magic \"LTX1\" (4C 54 58 31), found %s", hex(b, 0, 4)));
        }
        int flags = b.getInt(OFF_FLAGS);
        int pageSize = b.getInt(OFF_PAGE_SIZE);
        int commit = b.getInt(OFF_COMMIT);
        long min = b.getLong(OFF_MIN_TXID);
        long max = b.getLong(OFF_MAX_TXID);
        long timestamp = b.getLong(OFF_TIMESTAMP);
        long pre = b.getLong(OFF_PRE_APPLY);
        long walOffset = b.getLong(OFF_WAL_OFFSET);
        long walSize = b.getLong(OFF_WAL_SIZE);
        int salt1 = b.getInt(OFF_WAL_SALT1);
        int salt2 = b.getInt(OFF_WAL_SALT2);
        long nodeId = b.getLong(OFF_NODE_ID);
        Problem p = problem(flags, pageSize, commit, min, max, pre, walOffset, walSize, salt1, salt2);
        if (p != null) {
            throw new LtxFormatException(source, p.offset, p.message);
        }
        buf.position(buf.position() + SIZE);
        return new LtxHeader(
                flags,
                pageSize,
                commit,
                TxId.of(min),
                TxId.of(max),
                timestamp,
                pre,
                walOffset,
                walSize,
                salt1,
                salt2,
                nodeId);
    }

    /** Returns the 100-byte encoding (reserved bytes zero). */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, MAGIC);
        b.putInt(OFF_FLAGS, flags);
        b.putInt(OFF_PAGE_SIZE, pageSize);
        b.putInt(OFF_COMMIT, commit);
        b.putLong(OFF_MIN_TXID, minTxId.value());
        b.putLong(OFF_MAX_TXID, maxTxId.value());
        b.putLong(OFF_TIMESTAMP, timestamp);
        b.putLong(OFF_PRE_APPLY, preApplyChecksum);
        b.putLong(OFF_WAL_OFFSET, walOffset);
        b.putLong(OFF_WAL_SIZE, walSize);
        b.putInt(OFF_WAL_SALT1, walSalt1);
        b.putInt(OFF_WAL_SALT2, walSalt2);
        b.putLong(OFF_NODE_ID, nodeId);
        return out;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "LtxHeader[flags=0x%x, pageSize=%d, commit=%d, txids=%s-%s, timestamp=%s, preApply=%016x, "
                        + "walOffset=%d, walSize=%d, walSalt1=%08x, walSalt2=%08x, nodeId=%d]",
                flags,
                pageSize,
                Integer.toUnsignedLong(commit),
                minTxId,
                maxTxId,
                timestampInstant(),
                preApplyChecksum,
                walOffset,
                walSize,
                walSalt1,
                walSalt2,
                nodeId);
    }

    private record Problem(int offset, String message) {}

    private static @Nullable Problem problem(
            int flags,
            int pageSize,
            int commit,
            long min,
            long max,
            long pre,
            long walOffset,
            long walSize,
            int salt1,
            int salt2) {
        if ((flags & ~FLAG_NO_CHECKSUM) != 0) {
            return new Problem(
                    OFF_FLAGS,
                    String.format(
                            Locale.ROOT, "expected header flags 0 or 0x00000002 (NoChecksum), found 0x%08x", flags));
        }
        boolean noChecksum = (flags & FLAG_NO_CHECKSUM) != 0;
        if (!isValidPageSize(pageSize)) {
            return new Problem(
                    OFF_PAGE_SIZE,
                    "expected a page size that is a power of two in 512..65536, found "
                            + Integer.toUnsignedLong(pageSize));
        }
        if (commit < 0) {
            return new Problem(
                    OFF_COMMIT, "expected a commit page count below 2^31, found " + Integer.toUnsignedLong(commit));
        }
        if (commit == 0 && noChecksum) {
            return new Problem(
                    OFF_COMMIT,
                    "commit 0 (empty database) is only legal in a checksum-tracked file, but flags say NoChecksum");
        }
        if (min == 0) {
            return new Problem(OFF_MIN_TXID, "expected min TXID >= 1, found 0");
        }
        if (max == 0) {
            return new Problem(OFF_MAX_TXID, "expected max TXID >= 1, found 0");
        }
        if (Long.compareUnsigned(min, max) > 0) {
            return new Problem(
                    OFF_MAX_TXID,
                    String.format(Locale.ROOT, "expected max TXID >= min TXID %016x, found %016x", min, max));
        }
        if (walOffset < 0) {
            return new Problem(OFF_WAL_OFFSET, "expected WAL offset >= 0, found " + walOffset);
        }
        if (walSize < 0) {
            return new Problem(OFF_WAL_SIZE, "expected WAL size >= 0, found " + walSize);
        }
        if (walOffset == 0 && walSize != 0) {
            return new Problem(OFF_WAL_SIZE, "expected WAL size 0 when WAL offset is 0, found " + walSize);
        }
        if (walOffset == 0 && (salt1 != 0 || salt2 != 0)) {
            return new Problem(
                    salt1 != 0 ? OFF_WAL_SALT1 : OFF_WAL_SALT2,
                    String.format(
                            Locale.ROOT, "expected WAL salts 0 when WAL offset is 0, found %08x %08x", salt1, salt2));
        }
        if (min == 1 && pre != 0) {
            return new Problem(
                    OFF_PRE_APPLY,
                    String.format(
                            Locale.ROOT, "expected pre-apply checksum 0 in a snapshot (min TXID 1), found %016x", pre));
        }
        if (noChecksum && pre != 0) {
            return new Problem(
                    OFF_PRE_APPLY,
                    String.format(Locale.ROOT, "expected pre-apply checksum 0 in a NoChecksum file, found %016x", pre));
        }
        if (!noChecksum && min != 1 && (pre & Crc64.CHECKSUM_FLAG) == 0) {
            return new Problem(
                    OFF_PRE_APPLY,
                    String.format(
                            Locale.ROOT,
                            "expected a pre-apply checksum with bit 63 set in a checksum-tracked incremental file,"
                                    + " found %016x",
                            pre));
        }
        return null;
    }

    static String hex(ByteBuffer b, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 3);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%02X", b.get(off + i) & 0xFF));
        }
        return sb.toString();
    }
}

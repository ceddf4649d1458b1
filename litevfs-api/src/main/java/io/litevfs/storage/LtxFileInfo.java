package io.litevfs.storage;

import io.litevfs.ltx.TxId;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One LTX file of a replica, as a listing reports it.
 *
 * <p>The identity of a file is {@code (level, minTxId, maxTxId)}: LTX files are immutable once written, so that
 * triple also identifies its content. {@code createdAt} is what the store reports (file mtime, object
 * last-modified); it does not always survive copies, so time-based restore plans use the timestamp recorded in
 * the LTX header instead.
 *
 * @param level the replica level, 0..9 ({@link #SNAPSHOT_LEVEL} holds snapshots)
 * @param minTxId the first transaction the file covers
 * @param maxTxId the last transaction the file covers
 * @param size the size of the file in bytes
 * @param createdAt the creation time reported by the store, if it reports one
 */
public record LtxFileInfo(int level, TxId minTxId, TxId maxTxId, long size, @Nullable Instant createdAt) {

    /** Level of full snapshots ({@code 1-<TXID>.ltx}). */
    public static final int SNAPSHOT_LEVEL = 9;

    /** Highest level. */
    public static final int MAX_LEVEL = 9;

    /** Order in which listings are returned: by minimum TXID, then maximum TXID. */
    public static final Comparator<LtxFileInfo> TXID_ORDER =
            Comparator.comparing(LtxFileInfo::minTxId).thenComparing(LtxFileInfo::maxTxId);

    private static final Pattern FILE_NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.ltx");

    /** Validates the components. */
    public LtxFileInfo {
        checkLevel(level);
        Objects.requireNonNull(minTxId, "minTxId");
        Objects.requireNonNull(maxTxId, "maxTxId");
        if (minTxId.isZero() || maxTxId.isBefore(minTxId)) {
            throw new IllegalArgumentException("invalid TXID range " + minTxId + "-" + maxTxId);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /**
     * Checks a level number.
     *
     * @param level the level
     * @return the level
     * @throws IllegalArgumentException unless {@code 0 <= level <= 9}
     */
    public static int checkLevel(int level) {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be 0.." + MAX_LEVEL + ", got " + level);
        }
        return level;
    }

    /** Returns the file name used by every backend: {@code <min>-<max>.ltx}, 16 lowercase hex digits each. */
    public String fileName() {
        return fileName(minTxId, maxTxId);
    }

    /** Returns {@code <min>-<max>.ltx} for the given TXIDs. */
    public static String fileName(TxId min, TxId max) {
        return min + "-" + max + ".ltx";
    }

    /** Returns whether this is a snapshot-shaped file, one that starts at TXID 1 and holds every page. */
    public boolean isSnapshot() {
        return minTxId.value() == 1;
    }

    /** Returns a copy with another size and creation time. */
    public LtxFileInfo with(long newSize, @Nullable Instant newCreatedAt) {
        return new LtxFileInfo(level, minTxId, maxTxId, newSize, newCreatedAt);
    }

    /** Returns {@code L<level>/<min>-<max>.ltx}, the way logs and error messages name a file. */
    public String describe() {
        return "L" + level + "/" + fileName();
    }

    /**
     * Parses an LTX file name. Anything but {@code <16 hex>-<16 hex>.ltx} (lowercase) is not an LTX file and
     * yields an empty result, as do ranges with min = 0 or min &gt; max.
     *
     * @param level the level the name was found in
     * @param name the file name, without directories
     * @param size the file size
     * @param createdAt the creation time reported by the store
     * @return the file, or empty if the name is not an LTX file name
     */
    public static Optional<LtxFileInfo> parse(int level, String name, long size, @Nullable Instant createdAt) {
        Matcher m = FILE_NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        TxId min = TxId.parseCanonical(m.group(1));
        TxId max = TxId.parseCanonical(m.group(2));
        if (min.isZero() || max.isBefore(min)) {
            return Optional.empty();
        }
        return Optional.of(new LtxFileInfo(level, min, max, size, createdAt));
    }
}

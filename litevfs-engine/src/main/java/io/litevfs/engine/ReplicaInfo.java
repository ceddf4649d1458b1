package io.litevfs.engine;

import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A description of a replica.
 *
 * @param location the replica URL, secrets redacted
 * @param levels the files of each non-empty level, in TXID order
 * @param latest the plan of the latest state, or {@code null} if it cannot be built
 * @param latestError why the latest state cannot be built, or {@code null}
 * @param pageSize the page size of the latest state (0 if unknown)
 * @param commit the size of the latest state in pages (0 if unknown)
 * @param latestTimestamp the header timestamp of the newest file of the latest plan, or {@code null}
 */
public record ReplicaInfo(
        String location,
        Map<Integer, List<LtxFileInfo>> levels,
        @Nullable RestorePlan latest,
        @Nullable String latestError,
        int pageSize,
        long commit,
        @Nullable Instant latestTimestamp) {

    /** Returns the TXID of the latest state, or {@link TxId#ZERO} if it cannot be built. */
    public TxId txId() {
        return latest == null ? TxId.ZERO : latest.txId();
    }

    /** Returns the database size of the latest state in bytes. */
    public long sizeBytes() {
        return commit * pageSize;
    }

    /** Returns the number of LTX files over all levels. */
    public int fileCount() {
        return levels.values().stream().mapToInt(List::size).sum();
    }

    /** Returns the total size of all LTX files in bytes. */
    public long totalBytes() {
        return levels.values().stream()
                .flatMap(List::stream)
                .mapToLong(LtxFileInfo::size)
                .sum();
    }
}

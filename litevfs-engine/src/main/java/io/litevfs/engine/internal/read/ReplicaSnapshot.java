package io.litevfs.engine.internal.read;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.ltx.PageIndex;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import java.time.Instant;
import java.util.List;

/**
 * One immutable state of a replica as a page map: for every page {@code 1..commit}, the LTX file, frame offset and
 * frame length that hold its newest version, or nothing (a page that reads as zeros).
 *
 * <p><b>Construction</b> follows the restore semantics of ltx-format.md A.10 exactly: files are applied in plan
 * order, each file's pages override earlier ones, and after each file every page above its {@code Commit} is
 * dropped. So a database that shrinks and grows again reads zeros where a restore writes zeros, and the size is
 * the last file's {@code Commit}, never the highest page number seen (Litestream's pitfall P1).
 *
 * <p><b>Layout.</b> Three parallel arrays indexed by {@code pgno - 1} (16 bytes per page), so a lookup is an array
 * access and a 4 GiB database of 4 KiB pages costs 16 MiB. Instances are immutable and safe to share between
 * threads; a new version of the replica is a new snapshot.
 */
public final class ReplicaSnapshot {

    /** A plan file with its decoded header and page index. */
    public record LoadedFile(LtxFileInfo info, LtxHeader header, PageIndex index) {}

    private final TxId txId;
    private final int pageSize;
    private final int commit;
    private final Instant timestamp;
    private final List<LtxFileInfo> files;
    private final int[] fileOf;
    private final long[] offsets;
    private final int[] frameSizes;

    private ReplicaSnapshot(
            TxId txId,
            int pageSize,
            int commit,
            Instant timestamp,
            List<LtxFileInfo> files,
            int[] fileOf,
            long[] offsets,
            int[] frameSizes) {
        this.txId = txId;
        this.pageSize = pageSize;
        this.commit = commit;
        this.timestamp = timestamp;
        this.files = files;
        this.fileOf = fileOf;
        this.offsets = offsets;
        this.frameSizes = frameSizes;
    }

    /**
     * Builds the snapshot of a plan.
     *
     * @param replica the replica's name for error messages
     * @param plan the plan
     * @param loaded the plan's files with headers and indexes, in plan order
     * @throws ReplicaException.Corrupt if page sizes differ or an index names a page above its file's commit
     */
    public static ReplicaSnapshot build(String replica, RestorePlan plan, List<LoadedFile> loaded) {
        if (loaded.isEmpty() || loaded.size() != plan.files().size()) {
            throw new IllegalArgumentException("expected one loaded file per plan file");
        }
        int pageSize = loaded.get(0).header().pageSize();
        int maxCommit = 0;
        for (LoadedFile f : loaded) {
            if (f.header().pageSize() != pageSize) {
                throw new ReplicaException.Corrupt(
                        replica + " " + f.info().describe() + ": page size "
                                + f.header().pageSize() + " differs from " + pageSize + " in the earlier files",
                        null);
            }
            maxCommit = Math.max(maxCommit, f.header().commit());
        }
        int[] fileOf = new int[maxCommit];
        long[] offsets = new long[maxCommit];
        int[] sizes = new int[maxCommit];
        java.util.Arrays.fill(fileOf, -1);
        int size = 0;
        for (int fi = 0; fi < loaded.size(); fi++) {
            LoadedFile f = loaded.get(fi);
            int commit = f.header().commit();
            PageIndex index = f.index();
            for (int i = 0; i < index.size(); i++) {
                int pgno = index.pageNumber(i);
                if (pgno < 1 || pgno > commit) {
                    throw new ReplicaException.Corrupt(
                            replica + " " + f.info().describe() + ": page index names page "
                                    + Integer.toUnsignedString(pgno) + " beyond the file's commit " + commit,
                            null);
                }
                fileOf[pgno - 1] = fi;
                offsets[pgno - 1] = index.offset(i);
                sizes[pgno - 1] = index.frameSize(i);
            }
            // Truncate to this file's commit: pages above it are gone, even if a later file grows the database.
            for (int p = commit; p < size; p++) {
                fileOf[p] = -1;
            }
            size = commit;
        }
        LoadedFile last = loaded.get(loaded.size() - 1);
        return new ReplicaSnapshot(
                plan.txId(),
                pageSize,
                last.header().commit(),
                last.header().timestampInstant(),
                List.copyOf(plan.files()),
                fileOf,
                offsets,
                sizes);
    }

    /**
     * Returns the state after applying more files on top of this one, with the same rules as {@link #build}: each
     * file overrides earlier pages and cuts the database to its commit.
     *
     * @param replica the replica's name for error messages
     * @param next files continuing this state's TXID chain, in order
     * @return the new snapshot (this one is unchanged)
     * @throws ReplicaException.Corrupt if a file does not continue the chain or has another page size
     */
    public ReplicaSnapshot extend(String replica, List<LoadedFile> next) {
        if (next.isEmpty()) {
            return this;
        }
        int maxCommit = commit;
        TxId cur = txId;
        for (LoadedFile f : next) {
            if (f.header().pageSize() != pageSize) {
                throw new ReplicaException.Corrupt(
                        replica + " " + f.info().describe() + ": page size "
                                + f.header().pageSize() + " differs from " + pageSize,
                        null);
            }
            if (f.info().minTxId().compareTo(cur.next()) > 0
                    || !f.info().maxTxId().isAfter(cur)) {
                throw new ReplicaException.Corrupt(
                        replica + " " + f.info().describe() + " does not continue TXID " + cur, null);
            }
            cur = f.info().maxTxId();
            maxCommit = Math.max(maxCommit, f.header().commit());
        }
        int[] fo = java.util.Arrays.copyOf(fileOf, maxCommit);
        long[] off = java.util.Arrays.copyOf(offsets, maxCommit);
        int[] sz = java.util.Arrays.copyOf(frameSizes, maxCommit);
        java.util.Arrays.fill(fo, Math.min(commit, maxCommit), maxCommit, -1);
        java.util.List<LtxFileInfo> allFiles = new java.util.ArrayList<>(files);
        int size = commit;
        for (LoadedFile f : next) {
            int fi = allFiles.size();
            allFiles.add(f.info());
            int c = f.header().commit();
            PageIndex index = f.index();
            for (int i = 0; i < index.size(); i++) {
                int pgno = index.pageNumber(i);
                if (pgno < 1 || pgno > c) {
                    throw new ReplicaException.Corrupt(
                            replica + " " + f.info().describe() + ": page index names page "
                                    + Integer.toUnsignedString(pgno) + " beyond the file's commit " + c,
                            null);
                }
                fo[pgno - 1] = fi;
                off[pgno - 1] = index.offset(i);
                sz[pgno - 1] = index.frameSize(i);
            }
            for (int p = c; p < size; p++) {
                fo[p] = -1;
            }
            size = c;
        }
        LoadedFile last = next.get(next.size() - 1);
        return new ReplicaSnapshot(
                cur,
                pageSize,
                last.header().commit(),
                last.header().timestampInstant(),
                List.copyOf(allFiles),
                fo,
                off,
                sz);
    }

    /** Returns the TXID of this state. */
    public TxId txId() {
        return txId;
    }

    /** Returns the LTX page size. */
    public int pageSize() {
        return pageSize;
    }

    /** Returns the database size in pages. */
    public int commit() {
        return commit;
    }

    /** Returns the database size in bytes. */
    public long sizeBytes() {
        return (long) commit * pageSize;
    }

    /** Returns the header timestamp of the newest file. */
    public Instant timestamp() {
        return timestamp;
    }

    /** Returns the plan files, oldest first. */
    public List<LtxFileInfo> files() {
        return files;
    }

    /**
     * Returns the file holding a page, or {@code null} if the page reads as zeros (never written, or cut off by a
     * shrink) or lies beyond the database.
     */
    public LtxFileInfo fileOf(int pgno) {
        int fi = pgno >= 1 && pgno <= commit ? fileOf[pgno - 1] : -1;
        return fi < 0 ? null : files.get(fi);
    }

    /** Returns the index into {@link #files()} of the file holding a page, or -1. */
    public int fileIndexOf(int pgno) {
        return pgno >= 1 && pgno <= commit ? fileOf[pgno - 1] : -1;
    }

    /** Returns the frame offset of a page held by a file. */
    public long frameOffset(int pgno) {
        return offsets[pgno - 1];
    }

    /** Returns the frame length of a page held by a file. */
    public int frameSize(int pgno) {
        return frameSizes[pgno - 1];
    }
}

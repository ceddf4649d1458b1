package io.litevfs.engine.internal.plan;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Computes which LTX files build a state of a replica, exactly as Litestream's {@code CalcRestorePlan} does
 * (ltx-format.md B.4), so that litevfs and Litestream agree on every state.
 *
 * <ol>
 *   <li>Snapshot: the last level-9 file whose maximum TXID is at most the target TXID, or whose timestamp is
 *       strictly before the target time (for the latest state, the last one).
 *   <li>Then repeatedly, among files of levels 0..8 that continue the chain ({@code min <= cur + 1 < max + 1})
 *       and satisfy the target, the best one: larger maximum TXID, then smaller minimum, then higher level, then
 *       earlier timestamp.
 *   <li>Latest state only: a file starting after {@code cur + 1} at any level 0..8 is a gap and an error.
 * </ol>
 *
 * <p>The planner is pure: it sees listings and, for time targets, a function giving each file's timestamp. The
 * timestamp is the LTX header's, not the store's creation time, so copies without modification times plan the
 * same way.
 */
public final class RestorePlanner {

    private RestorePlanner() {}

    /**
     * Plans a state.
     *
     * @param replica how to name the replica in error messages
     * @param levels listings by level (missing levels are empty); each in any order
     * @param target the state wanted
     * @param timestamps the timestamp of each file; consulted only for time targets and tie-breaks
     * @return the plan
     * @throws ReplicaException.NotAvailable if the state cannot be built from the files
     * @throws ReplicaException.NonContiguous if the latest state is cut off by a gap
     */
    public static RestorePlan plan(
            String replica,
            Map<Integer, List<LtxFileInfo>> levels,
            RestoreTarget target,
            Function<LtxFileInfo, Instant> timestamps) {
        Objects.requireNonNull(target, "target");
        TxId txTarget = target instanceof RestoreTarget.AtTxId t ? t.txId() : null;
        Instant timeTarget = target instanceof RestoreTarget.AtTime t ? t.time() : null;

        List<LtxFileInfo> plan = new ArrayList<>();
        LtxFileInfo snapshot = null;
        for (LtxFileInfo f : sorted(levels.get(LtxFileInfo.SNAPSHOT_LEVEL))) {
            if (eligible(f, txTarget, timeTarget, timestamps)) {
                snapshot = f;
            }
        }
        TxId cur = TxId.ZERO;
        if (snapshot != null) {
            plan.add(snapshot);
            cur = snapshot.maxTxId();
        }

        List<LtxFileInfo> others = new ArrayList<>();
        for (int level = 0; level < LtxFileInfo.SNAPSHOT_LEVEL; level++) {
            others.addAll(sorted(levels.get(level)));
        }

        while (txTarget == null || cur.isBefore(txTarget)) {
            LtxFileInfo best = null;
            for (LtxFileInfo f : others) {
                if (f.minTxId().compareTo(cur.next()) > 0 || !f.maxTxId().isAfter(cur)) {
                    continue;
                }
                if (!eligible(f, txTarget, timeTarget, timestamps)) {
                    continue;
                }
                if (best == null || better(best, f, timestamps)) {
                    best = f;
                }
            }
            if (best == null) {
                break;
            }
            plan.add(best);
            cur = best.maxTxId();
        }

        if (!plan.isEmpty() && target instanceof RestoreTarget.Latest) {
            for (LtxFileInfo f : others) {
                if (f.minTxId().compareTo(cur.next()) > 0) {
                    throw new ReplicaException.NonContiguous(
                            replica + ": non-contiguous LTX files: the chain reaches TXID " + cur + " but "
                                    + f.describe() + " starts at " + f.minTxId());
                }
            }
        }
        if (plan.isEmpty() || (txTarget != null && cur.isBefore(txTarget))) {
            throw notAvailable(replica, levels, target, timestamps);
        }
        return new RestorePlan(target, plan, cur);
    }

    private static boolean eligible(
            LtxFileInfo f, @Nullable TxId txTarget, @Nullable Instant timeTarget, Function<LtxFileInfo, Instant> ts) {
        if (txTarget != null && f.maxTxId().isAfter(txTarget)) {
            return false;
        }
        return timeTarget == null || ts.apply(f).isBefore(timeTarget);
    }

    /** Litestream's {@code restoreCandidateBetter(curr, next)}. */
    private static boolean better(LtxFileInfo curr, LtxFileInfo next, Function<LtxFileInfo, Instant> ts) {
        int c = next.maxTxId().compareTo(curr.maxTxId());
        if (c != 0) {
            return c > 0;
        }
        c = next.minTxId().compareTo(curr.minTxId());
        if (c != 0) {
            return c < 0;
        }
        if (next.level() != curr.level()) {
            return next.level() > curr.level();
        }
        return ts.apply(next).isBefore(ts.apply(curr));
    }

    private static List<LtxFileInfo> sorted(@Nullable List<LtxFileInfo> files) {
        if (files == null) {
            return List.of();
        }
        List<LtxFileInfo> copy = new ArrayList<>(files);
        copy.sort(LtxFileInfo.TXID_ORDER);
        return copy;
    }

    private static ReplicaException.NotAvailable notAvailable(
            String replica,
            Map<Integer, List<LtxFileInfo>> levels,
            RestoreTarget target,
            Function<LtxFileInfo, Instant> timestamps) {
        List<LtxFileInfo> all = new ArrayList<>();
        levels.values().forEach(all::addAll);
        if (all.isEmpty()) {
            return new ReplicaException.NotAvailable(replica + ": no LTX files (empty or missing replica)");
        }
        // The oldest state anyone can restore starts at a snapshot-shaped file (MinTXID 1).
        LtxFileInfo oldest = all.stream()
                .filter(LtxFileInfo::isSnapshot)
                .min(Comparator.comparing(LtxFileInfo::maxTxId))
                .orElse(null);
        TxId newest = all.stream()
                .map(LtxFileInfo::maxTxId)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        String retained = oldest == null
                ? "no file starts at TXID 1, so no state can be restored"
                : "oldest retained state: TXID " + oldest.maxTxId() + " ("
                        + (target instanceof RestoreTarget.AtTime
                                ? "written " + DateTimeFormatter.ISO_INSTANT.format(timestamps.apply(oldest)) + ", "
                                : "")
                        + "newest TXID " + newest + ")";
        return new ReplicaException.NotAvailable(
                replica + ": transaction not available for " + target + "; " + retained);
    }
}

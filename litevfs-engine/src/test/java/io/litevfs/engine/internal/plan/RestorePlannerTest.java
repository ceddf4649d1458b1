package io.litevfs.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.engine.ReplicaException;
import io.litevfs.engine.RestorePlan;
import io.litevfs.engine.RestoreTarget;
import io.litevfs.ltx.TxId;
import io.litevfs.storage.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {

    private final Map<Integer, List<LtxFileInfo>> levels = new HashMap<>();

    /** Adds a file whose timestamp is {@code 1000 * maxTxId} ms. */
    private LtxFileInfo add(int level, long min, long max) {
        LtxFileInfo f = new LtxFileInfo(level, TxId.of(min), TxId.of(max), 100, null);
        levels.computeIfAbsent(level, l -> new ArrayList<>()).add(f);
        return f;
    }

    private static Instant ts(LtxFileInfo f) {
        return Instant.ofEpochMilli(1000 * f.maxTxId().value());
    }

    private RestorePlan plan(RestoreTarget target) {
        return RestorePlanner.plan("test", levels, target, RestorePlannerTest::ts);
    }

    private static String names(RestorePlan p) {
        return String.join(" ", p.files().stream().map(LtxFileInfo::describe).toList());
    }

    @Test
    void plan_l0Chain_appliesEveryFile() {
        for (int i = 1; i <= 3; i++) {
            add(0, i, i);
        }
        RestorePlan p = plan(RestoreTarget.latest());
        assertThat(names(p))
                .isEqualTo("L0/0000000000000001-0000000000000001.ltx L0/0000000000000002-0000000000000002.ltx"
                        + " L0/0000000000000003-0000000000000003.ltx");
        assertThat(p.txId()).isEqualTo(TxId.of(3));
    }

    @Test
    void plan_listingOutOfOrder_isSortedFirst() {
        add(0, 3, 3);
        add(0, 1, 1);
        add(0, 2, 2);
        Collections.shuffle(levels.get(0));
        assertThat(plan(RestoreTarget.latest()).txId()).isEqualTo(TxId.of(3));
    }

    @Test
    void plan_prefersLongestRangeAcrossLevels() {
        for (int i = 1; i <= 6; i++) {
            add(0, i, i);
        }
        add(1, 1, 4);
        add(2, 1, 2);
        RestorePlan p = plan(RestoreTarget.latest());
        assertThat(names(p)).startsWith("L1/0000000000000001-0000000000000004.ltx L0/0000000000000005");
        assertThat(p.files()).hasSize(3);
    }

    @Test
    void plan_tieOnRange_prefersHigherLevel() {
        add(0, 1, 2);
        add(1, 1, 2);
        assertThat(plan(RestoreTarget.latest()).files().get(0).level()).isEqualTo(1);
    }

    @Test
    void plan_snapshotThenHigherLevels() {
        add(9, 1, 20);
        add(1, 1, 10);
        add(1, 11, 20);
        add(1, 21, 26);
        for (int i = 23; i <= 31; i++) {
            add(0, i, i);
        }
        RestorePlan p = plan(RestoreTarget.latest());
        assertThat(names(p))
                .startsWith("L9/0000000000000001-0000000000000014.ltx L1/0000000000000015-000000000000001a.ltx"
                        + " L0/000000000000001b");
        assertThat(p.txId()).isEqualTo(TxId.of(31));
    }

    @Test
    void plan_gap_isNonContiguousForLatestOnly() {
        add(0, 1, 1);
        add(0, 2, 2);
        add(0, 4, 4);
        assertThatThrownBy(() -> plan(RestoreTarget.latest()))
                .isInstanceOf(ReplicaException.NonContiguous.class)
                .hasMessageContaining("reaches TXID 0000000000000002")
                .hasMessageContaining("L0/0000000000000004-0000000000000004.ltx");
        assertThat(plan(RestoreTarget.txId(TxId.of(2))).txId()).isEqualTo(TxId.of(2));
    }

    @Test
    void plan_txidNotReachable_namesOldestState() {
        add(9, 1, 20);
        add(0, 21, 21);
        assertThatThrownBy(() -> plan(RestoreTarget.txId(TxId.of(5))))
                .isInstanceOf(ReplicaException.NotAvailable.class)
                .hasMessageContaining("transaction not available for TXID 0000000000000005")
                .hasMessageContaining("oldest retained state: TXID 0000000000000014");
    }

    @Test
    void plan_txidInsideCompactedRange_isNotAvailable() {
        add(1, 1, 10);
        assertThatThrownBy(() -> plan(RestoreTarget.txId(TxId.of(5))))
                .isInstanceOf(ReplicaException.NotAvailable.class);
        assertThat(plan(RestoreTarget.txId(TxId.of(10))).txId()).isEqualTo(TxId.of(10));
    }

    @Test
    void plan_time_selectsFilesStrictlyBefore() {
        for (int i = 1; i <= 5; i++) {
            add(0, i, i);
        }
        assertThat(plan(RestoreTarget.time(Instant.ofEpochMilli(3000))).txId()).isEqualTo(TxId.of(2));
        assertThat(plan(RestoreTarget.time(Instant.ofEpochMilli(3001))).txId()).isEqualTo(TxId.of(3));
        assertThatThrownBy(() -> plan(RestoreTarget.time(Instant.ofEpochMilli(1000))))
                .isInstanceOf(ReplicaException.NotAvailable.class);
    }

    @Test
    void plan_timeAfterCompaction_isCoarse() {
        // Litestream's own behaviour (ltx-format.md B.4): L0 23 is not contiguous with the snapshot and the L1
        // file 21-26 is newer than the target, so a time just after TXID 23 resolves to TXID 20.
        add(9, 1, 20);
        add(1, 21, 26);
        for (int i = 23; i <= 31; i++) {
            add(0, i, i);
        }
        assertThat(plan(RestoreTarget.time(Instant.ofEpochMilli(23_001))).txId())
                .isEqualTo(TxId.of(20));
    }

    @Test
    void plan_emptyReplica_saysSo() {
        assertThatThrownBy(() -> plan(RestoreTarget.latest()))
                .isInstanceOf(ReplicaException.NotAvailable.class)
                .hasMessageContaining("no LTX files");
    }

    @Test
    void plan_noFileStartsAtOne_cannotRestore() {
        add(0, 5, 5);
        add(0, 6, 6);
        assertThatThrownBy(() -> plan(RestoreTarget.latest()))
                .isInstanceOf(ReplicaException.NotAvailable.class)
                .hasMessageContaining("no file starts at TXID 1");
    }
}

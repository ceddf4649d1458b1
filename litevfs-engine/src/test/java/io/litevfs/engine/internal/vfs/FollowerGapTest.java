package io.litevfs.engine.internal.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.engine.ReplicaEvent;
import io.litevfs.engine.internal.ltx.LtxEncoder;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.engine.internal.read.PageCache;
import io.litevfs.ltx.TxId;
import io.litevfs.sqlite.SqliteCodes;
import io.litevfs.sqlite.SqliteFile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * A follower whose level-0 files were compacted into level 1 and deleted before it saw them keeps working: it
 * recovers from the higher level (Litestream issue #1460 wedges instead) and says so.
 */
class FollowerGapTest {

    private static final int PS = 4096;

    @TempDir
    Path tmp;

    private static byte[] page(int pgno, int version) {
        byte[] p = new byte[PS];
        Arrays.fill(p, (byte) (pgno * 16 + version));
        return p;
    }

    private void write(int level, long min, long max, int commit, int[][] pages) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LtxHeader h = new LtxHeader(
                LtxHeader.FLAG_NO_CHECKSUM, PS, commit, TxId.of(min), TxId.of(max), 1_000L * max, 0, 0, 0, 0, 0, 0);
        try (LtxEncoder enc = new LtxEncoder(out, h)) {
            for (int[] p : pages) {
                enc.writePage(p[0], page(p[0], p[1]), 0);
            }
            enc.finish(0);
        }
        Path dir = Files.createDirectories(tmp.resolve("ltx/" + level));
        Files.write(dir.resolve(TxId.of(min) + "-" + TxId.of(max) + ".ltx"), out.toByteArray());
    }

    private static byte[] read(SqliteFile f, int pgno) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(PS);
        f.read((long) (pgno - 1) * PS, b);
        return b.array();
    }

    @Test
    void follower_l0GapFromCompaction_recoversFromLevel1() throws Exception {
        write(0, 1, 1, 4, new int[][] {{1, 1}, {2, 1}, {3, 1}, {4, 1}});
        write(0, 2, 2, 4, new int[][] {{2, 2}});
        write(0, 3, 3, 4, new int[][] {{3, 3}});
        EngineSqliteVfs vfs = new EngineSqliteVfs(
                "gap-test",
                new PageCache(16 << 20),
                Duration.ofSeconds(10),
                Duration.ofMillis(50),
                Schedulers.parallel());
        String url = "file://" + tmp;
        SqliteFile file = vfs.open("x.db", SqliteCodes.OPEN_MAIN_DB, n -> n.equals("replica") ? url : null);
        ReplicaHandle handle = vfs.replica(url);
        List<ReplicaEvent> events = new CopyOnWriteArrayList<>();
        Disposable sub = handle.events().subscribe(events::add);
        try {
            // TXIDs 4..6 exist only compacted into level 1; TXID 7 is a new level-0 file.
            write(1, 4, 6, 5, new int[][] {{1, 6}, {4, 6}, {5, 6}});
            write(0, 7, 7, 5, new int[][] {{2, 7}});
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((handle.current() == null || handle.current().txId().value() < 7) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.sleep(10);
            }
            assertThat(handle.current().txId()).isEqualTo(TxId.of(7));
            assertThat(events).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(ReplicaEvent.Type.RECOVERED);
                assertThat(e.message()).contains("gap after TXID 0000000000000003");
            });

            // A new read transaction sees TXID 7: page 1 from L1 (patched header aside), 2 from L0 7, 3 from L0 3.
            file.lock(SqliteCodes.LOCK_SHARED);
            assertThat(file.size()).isEqualTo(5L * PS);
            assertThat(Arrays.copyOfRange(read(file, 1), 100, PS)).isEqualTo(Arrays.copyOfRange(page(1, 6), 100, PS));
            assertThat(read(file, 2)).isEqualTo(page(2, 7));
            assertThat(read(file, 3)).isEqualTo(page(3, 3));
            assertThat(read(file, 4)).isEqualTo(page(4, 6));
            assertThat(read(file, 5)).isEqualTo(page(5, 6));
            file.unlock(SqliteCodes.LOCK_NONE);

            // And it keeps following at level 0 afterwards.
            write(0, 8, 8, 5, new int[][] {{3, 8}});
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (handle.current().txId().value() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            file.lock(SqliteCodes.LOCK_SHARED);
            assertThat(read(file, 3)).isEqualTo(page(3, 8));
            file.unlock(SqliteCodes.LOCK_NONE);
        } finally {
            sub.dispose();
            file.close();
            vfs.closeReplicas();
        }
    }

    @Test
    void poller_isSharedAndStopsWhenNobodyFollows() throws Exception {
        write(0, 1, 1, 1, new int[][] {{1, 1}});
        EngineSqliteVfs vfs = new EngineSqliteVfs(
                "poll-test",
                new PageCache(1 << 20),
                Duration.ofSeconds(10),
                Duration.ofMillis(20),
                Schedulers.parallel());
        String url = "file://" + tmp;
        List<SqliteFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            files.add(vfs.open("x.db", SqliteCodes.OPEN_MAIN_DB, n -> n.equals("replica") ? url : null));
        }
        ReplicaHandle handle = vfs.replica(url);
        Thread.sleep(300);
        int polls = handle.polls();
        // One poller for eight connections: at most about 300 ms / 20 ms polls (fewer on a busy machine), not eight
        // times that.
        assertThat(polls).isBetween(1, 20);
        for (SqliteFile f : files) {
            f.close();
        }
        int after = handle.polls();
        Thread.sleep(200);
        assertThat(handle.polls()).isLessThanOrEqualTo(after + 1);
        vfs.closeReplicas();
    }
}

package io.litevfs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.litevfs.engine.internal.ltx.LtxEncoder;
import io.litevfs.engine.internal.ltx.LtxHeader;
import io.litevfs.ltx.TxId;
import io.litevfs.testkit.Vectors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore behaviour that the vectors do not cover: the lock page, copies without mtimes, corrupt files. */
class ReplicaRestoreTest {

    @TempDir
    Path tmp;

    private static byte[] page(int size, int pgno) {
        byte[] p = new byte[size];
        Arrays.fill(p, (byte) (pgno * 31 + 7));
        p[0] = (byte) pgno;
        return p;
    }

    private static void writeLtx(Path replica, int level, LtxHeader h, int... pgnos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LtxEncoder enc = new LtxEncoder(out, h)) {
            for (int pgno : pgnos) {
                enc.writePage(pgno, page(h.pageSize(), pgno), 0);
            }
            enc.finish(0);
        }
        Path dir = Files.createDirectories(replica.resolve("ltx/" + level));
        Files.write(dir.resolve(h.minTxId() + "-" + h.maxTxId() + ".ltx"), out.toByteArray());
    }

    private static LtxHeader header(int pageSize, int commit, long min, long max, long ts) {
        return new LtxHeader(
                LtxHeader.FLAG_NO_CHECKSUM, pageSize, commit, TxId.of(min), TxId.of(max), ts, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void restore_databaseOverOneGib_leavesLockPageZero() throws Exception {
        int ps = 512;
        int lock = LtxHeader.lockPageNumber(ps); // 2097153: byte 1 GiB
        Path replica = tmp.resolve("replica");
        writeLtx(replica, 0, header(ps, 1, 1, 1, 1000), 1);
        writeLtx(replica, 0, header(ps, lock + 2, 2, 2, 2000), lock - 1, lock + 1, lock + 2);

        Path out = tmp.resolve("big.db");
        try (Replica r = Replica.open("file://" + replica)) {
            RestoreResult result = r.restore(RestoreTarget.latest(), out, false).block();
            assertThat(result.pageCount()).isEqualTo(lock + 2);
        }
        assertThat(Files.size(out)).isEqualTo((long) (lock + 2) * ps);
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            for (int pgno : new int[] {1, lock - 1, lock + 1, lock + 2}) {
                assertThat(read(f, pgno, ps)).as("page %d", pgno).isEqualTo(page(ps, pgno));
            }
            assertThat(read(f, lock, ps)).as("lock page").isEqualTo(new byte[ps]);
            assertThat(read(f, 2, ps)).as("never written").isEqualTo(new byte[ps]);
        }
    }

    private static byte[] read(RandomAccessFile f, int pgno, int ps) throws IOException {
        byte[] b = new byte[ps];
        f.seek((long) (pgno - 1) * ps);
        f.readFully(b);
        return b;
    }

    @Test
    void restore_shrinkThenGrow_truncatesAfterEachFile() throws Exception {
        Path replica = tmp.resolve("replica");
        writeLtx(replica, 0, header(1024, 4, 1, 1, 1000), 1, 2, 3, 4);
        writeLtx(replica, 0, header(1024, 2, 2, 2, 2000), 1);
        writeLtx(replica, 0, header(1024, 5, 3, 3, 3000), 5);
        Path out = tmp.resolve("out.db");
        try (Replica r = Replica.open("file://" + replica)) {
            r.restore(RestoreTarget.latest(), out, false).block();
        }
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            assertThat(f.length()).isEqualTo(5 * 1024);
            assertThat(read(f, 2, 1024)).isEqualTo(page(1024, 2));
            // Pages 3 and 4 were cut off by TXID 2 and must not come back when TXID 3 grows the file.
            assertThat(read(f, 3, 1024)).isEqualTo(new byte[1024]);
            assertThat(read(f, 4, 1024)).isEqualTo(new byte[1024]);
            assertThat(read(f, 5, 1024)).isEqualTo(page(1024, 5));
        }
    }

    @Test
    void plan_byTime_ignoresFileMtimes() throws Exception {
        // A copy made the way git or plain cp makes it: every file gets a fresh (and here, deliberately
        // misleading, reversed) modification time.
        JsonNode vector = Vectors.all().stream()
                .filter(v -> v.get("name").asText().equals("b_many_tx"))
                .findFirst()
                .orElseThrow();
        Path copy = tmp.resolve("copy");
        Path source = Vectors.dir().resolve("b_many_tx");
        long i = 0;
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.sorted().toList()) {
                Path t = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                    Files.setLastModifiedTime(
                            t,
                            FileTime.from(Instant.parse("2030-01-01T00:00:00Z").minusSeconds(i++)));
                }
            }
        }
        try (Replica r = Replica.open("file://" + copy)) {
            for (JsonNode it : vector.get("intermediate")) {
                RestorePlan plan = r.plan(RestoreTarget.time(
                                Instant.parse(it.get("set_time").asText())))
                        .block();
                assertThat(plan.txId().toString())
                        .isEqualTo(it.get("resolved_txid").asText());
            }
        }
    }

    @Test
    void restore_corruptFile_failsNamingItAndLeavesNothing() throws Exception {
        Path replica = tmp.resolve("replica");
        writeLtx(replica, 0, header(4096, 2, 1, 1, 1000), 1, 2);
        Path file = replica.resolve("ltx/0/0000000000000001-0000000000000001.ltx");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 30] ^= 1; // inside the page index
        Files.write(file, bytes);
        Path out = tmp.resolve("out.db");
        try (Replica r = Replica.open("file://" + replica)) {
            assertThatThrownBy(
                            () -> r.restore(RestoreTarget.latest(), out, false).block())
                    .isInstanceOf(ReplicaException.Corrupt.class)
                    .hasMessageContaining("L0/0000000000000001-0000000000000001.ltx");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("replica");
        }
    }

    @Test
    void restore_fileNamedForOtherTxids_isCorrupt() throws Exception {
        Path replica = tmp.resolve("replica");
        writeLtx(replica, 0, header(4096, 1, 1, 1, 1000), 1);
        Files.move(
                replica.resolve("ltx/0/0000000000000001-0000000000000001.ltx"),
                replica.resolve("ltx/0/0000000000000001-0000000000000002.ltx"));
        try (Replica r = Replica.open("file://" + replica)) {
            assertThatThrownBy(() -> r.restore(RestoreTarget.latest(), tmp.resolve("o.db"), false)
                            .block())
                    .isInstanceOf(ReplicaException.Corrupt.class)
                    .hasMessageContaining("does not match the file name");
        }
    }
}

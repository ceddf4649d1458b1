package io.litevfs.engine.internal.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.engine.internal.ltx.LtxTestFiles.Decoded;
import io.litevfs.ltx.TxId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LtxEncoderTest {

    /** SQLite-like pages: a mix of zero-filled, text-like and random content. */
    static byte[] page(int pageSize, int pgno, SplittableRandom r) {
        byte[] p = new byte[pageSize];
        switch (pgno % 3) {
            case 0 -> r.nextBytes(p);
            case 1 -> {
                byte[] text = ("row " + pgno + " hello litevfs ").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (int i = pageSize / 2; i < pageSize; i++) {
                    p[i] = text[i % text.length];
                }
            }
            default -> p[0] = (byte) pgno;
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 1024, 4096, 65536})
    void checksumTrackedSnapshotRoundTrips(int pageSize) throws IOException {
        SplittableRandom r = new SplittableRandom(pageSize);
        int commit = 7;
        List<Integer> pgnos = new ArrayList<>();
        List<byte[]> pages = new ArrayList<>();
        long db = 0;
        for (int p = 1; p <= commit; p++) {
            pgnos.add(p);
            byte[] page = page(pageSize, p, r);
            pages.add(page);
            db ^= Crc64.pageChecksum(p, page, 0, pageSize);
        }
        long post = Crc64.CHECKSUM_FLAG | db;
        LtxHeader h = new LtxHeader(0, pageSize, commit, TxId.of(1), TxId.of(3), 1234, 0, 0, 0, 0, 0, 0);
        byte[] file = LtxTestFiles.encode(h, pgnos, pages, post);
        Decoded d = LtxTestFiles.decode(file, "snap");
        assertThat(d.header()).isEqualTo(h);
        assertThat(d.pgnos()).isEqualTo(pgnos);
        for (int i = 0; i < commit; i++) {
            assertThat(d.pages().get(i)).isEqualTo(pages.get(i));
        }
        assertThat(d.trailer().postApplyChecksum()).isEqualTo(post);
        assertThat(d.index().size()).isEqualTo(commit);

        // A wrong post-apply checksum in a tracked snapshot is refused by the encoder...
        assertThatThrownBy(() -> LtxTestFiles.encode(h, pgnos, pages, post ^ 1))
                .isInstanceOf(IllegalArgumentException.class);
        // ...and detected by the decoder (re-sign the file checksum so that only the database checksum is wrong).
        byte[] bad = file.clone();
        int trailerAt = bad.length - 16;
        java.nio.ByteBuffer.wrap(bad).putLong(trailerAt, post ^ 2);
        byte[] resigned = resign(bad, d);
        assertThatThrownBy(() -> LtxTestFiles.decode(resigned, "bad"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("post-apply checksum of the snapshot's pages")
                .extracting(e -> ((LtxFormatException) e).offset())
                .isEqualTo((long) trailerAt);
    }

    /** Recomputes the file checksum of a current-encoding file whose pages are those of {@code d}. */
    static byte[] resign(byte[] file, Decoded d) {
        Crc64 c = new Crc64();
        c.update(file, 0, LtxHeader.SIZE);
        for (int i = 0; i < d.index().size(); i++) {
            c.update(file, (int) d.index().offset(i), 10);
            c.update(d.pages().get(i));
        }
        int end = (int) d.index().endOfFrames();
        c.update(file, end, file.length - 8 - end);
        byte[] out = file.clone();
        java.nio.ByteBuffer.wrap(out).putLong(out.length - 8, c.flaggedValue());
        return out;
    }

    @Test
    void checksumFreeIncrementalRoundTripsWithSparsePages() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        List<Integer> pgnos = List.of(2, 5, 300, 35876);
        List<byte[]> pages = new ArrayList<>();
        for (int p : pgnos) {
            pages.add(page(4096, p, r));
        }
        LtxHeader h = LtxHeader.checksumFree(4096, 40000, TxId.of(9), TxId.of(12), 99);
        byte[] file = LtxTestFiles.encode(h, pgnos, pages, 0);
        Decoded d = LtxTestFiles.decode(file, "inc");
        assertThat(d.pgnos()).isEqualTo(pgnos);
        assertThat(d.index().find(35876)).isEqualTo(3);
        assertThat(d.index().find(6)).isEqualTo(-1);
    }

    @Test
    void emptyFilesEncode() throws IOException {
        // A checksum-free incremental file without pages (Litestream never uploads one, but it is valid).
        LtxHeader h = LtxHeader.checksumFree(4096, 3, TxId.of(4), TxId.of(4), 5);
        byte[] file = LtxTestFiles.encode(h, List.of(), List.of(), 0);
        assertThat(file).hasSize(PageIndex.MIN_FILE_SIZE);
        Decoded d = LtxTestFiles.decode(file, "empty");
        assertThat(d.index().size()).isZero();
        // A checksum-tracked deletion file: commit 0, post-apply = CHECKSUM_FLAG.
        LtxHeader del = new LtxHeader(0, 4096, 0, TxId.of(1), TxId.of(2), 5, 0, 0, 0, 0, 0, 0);
        byte[] f2 = LtxTestFiles.encode(del, List.of(), List.of(), Crc64.CHECKSUM_FLAG);
        assertThat(LtxTestFiles.decode(f2, "del").trailer().postApplyChecksum()).isEqualTo(Crc64.CHECKSUM_FLAG);
        assertThatThrownBy(() -> LtxTestFiles.encode(del, List.of(), List.of(), Crc64.CHECKSUM_FLAG | 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encoderRejectsA8Violations() throws IOException {
        byte[] page = new byte[4096];
        LtxHeader inc = LtxHeader.checksumFree(4096, 300000, TxId.of(2), TxId.of(2), 0);
        try (LtxEncoder e = new LtxEncoder(new ByteArrayOutputStream(), inc)) {
            assertThatThrownBy(() -> e.writePage(0, page, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.writePage(300001, page, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.writePage(262145, page, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lock page");
            assertThatThrownBy(() -> e.writePage(1, new byte[100], 0)).isInstanceOf(IndexOutOfBoundsException.class);
            e.writePage(10, page, 0);
            assertThatThrownBy(() -> e.writePage(10, page, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.writePage(9, page, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.finish(Crc64.CHECKSUM_FLAG | 5)).isInstanceOf(IllegalArgumentException.class);
            e.finish(0);
            assertThatThrownBy(() -> e.writePage(11, page, 0)).isInstanceOf(IllegalStateException.class);
        }
        LtxHeader snap = LtxHeader.checksumFree(4096, 3, TxId.of(1), TxId.of(1), 0);
        try (LtxEncoder e = new LtxEncoder(new ByteArrayOutputStream(), snap)) {
            assertThatThrownBy(() -> e.writePage(2, page, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("snapshot");
            e.writePage(1, page, 0);
            assertThatThrownBy(() -> e.finish(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs 3 pages");
        }
        // A tracked incremental file needs a flagged post-apply checksum.
        LtxHeader tracked =
                new LtxHeader(0, 4096, 3, TxId.of(2), TxId.of(2), 0, Crc64.CHECKSUM_FLAG | 7, 0, 0, 0, 0, 0);
        try (LtxEncoder e = new LtxEncoder(new ByteArrayOutputStream(), tracked)) {
            assertThatThrownBy(() -> e.finish(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void snapshotSkipsTheLockPage() throws IOException {
        // 512-byte pages put the lock page at 2097153; a snapshot just past it is 1 GiB, so check the rule on the
        // index helpers instead of writing the file.
        int lock = LtxHeader.lockPageNumber(512);
        assertThat(lock).isEqualTo(2097153);
        assertThat(LtxHeader.lockPageNumber(4096)).isEqualTo(262145);
        assertThat(LtxHeader.lockPageNumber(65536)).isEqualTo(16385);
        assertThat(PageIndex.expectedSnapshotPage(lock - 2, lock)).isEqualTo(lock - 1);
        assertThat(PageIndex.expectedSnapshotPage(lock - 1, lock)).isEqualTo(lock + 1);
        assertThat(PageIndex.snapshotPageCount(lock + 1, lock)).isEqualTo(lock);
        assertThat(PageIndex.snapshotPageCount(lock - 1, lock)).isEqualTo(lock - 1);

        // 65536-byte pages: the lock page is 16385, so a snapshot of 16386 pages is 1 GiB of zeros; stream it
        // compressed in memory (about 4.5 MB) and decoded again.
        LtxHeader h = LtxHeader.checksumFree(65536, 16386, TxId.of(1), TxId.of(1), 0);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        byte[] page = new byte[65536];
        try (LtxEncoder e = new LtxEncoder(sink, h)) {
            for (int p = 1; p <= 16386; p++) {
                if (p != 16385) {
                    e.writePage(p, page, 0);
                }
            }
            e.finish(0);
            assertThat(e.index().size()).isEqualTo(16385);
            assertThat(e.index().find(16385)).isEqualTo(-1);
        }
        try (LtxDecoder d = new LtxDecoder(new java.io.ByteArrayInputStream(sink.toByteArray()), "lock")) {
            int last = 0;
            int pgno;
            while ((pgno = d.readPage(page)) != 0) {
                assertThat(pgno).isNotEqualTo(16385);
                last = pgno;
            }
            assertThat(last).isEqualTo(16386);
            assertThat(d.index().size()).isEqualTo(16385);
        }
    }
}

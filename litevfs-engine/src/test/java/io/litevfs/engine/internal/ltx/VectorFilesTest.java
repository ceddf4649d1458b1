package io.litevfs.engine.internal.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import io.litevfs.engine.internal.ltx.LtxTestFiles.Decoded;
import io.litevfs.engine.internal.ltx.Vectors.VectorFile;
import io.litevfs.ltx.TxId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every LTX file of the interop vectors decodes, and agrees with manifest.json. */
class VectorFilesTest {

    static List<VectorFile> files() {
        return Vectors.files();
    }

    @Test
    void manifestListsEveryFileOnDisk() {
        List<Path> onDisk = Vectors.ltxFilesOnDisk();
        assertThat(onDisk).hasSizeGreaterThan(100);
        assertThat(files().stream().map(VectorFile::path).sorted().toList()).isEqualTo(onDisk);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void streamingDecodeMatchesManifest(VectorFile f) throws IOException {
        byte[] bytes = f.bytes();
        assertThat(bytes).hasSize((int) f.size());
        Decoded d = LtxTestFiles.decode(bytes, f.name());
        LtxHeader h = d.header();
        assertThat(h.flags()).isEqualTo(f.flags());
        assertThat(h.pageSize()).isEqualTo(f.pageSize());
        assertThat(h.commit()).isEqualTo(f.commit());
        assertThat(h.minTxId()).isEqualTo(TxId.of(f.minTxId()));
        assertThat(h.maxTxId()).isEqualTo(TxId.of(f.maxTxId()));
        assertThat(h.timestamp()).isEqualTo(f.timestampMs());
        assertThat(h.preApplyChecksum()).isEqualTo(f.preApplyChecksum());
        assertThat(d.trailer().postApplyChecksum()).isEqualTo(f.postApplyChecksum());
        assertThat(d.trailer().fileChecksum()).isEqualTo(f.fileChecksum());
        assertThat(d.pgnos()).hasSize(f.pageCount());
        assertThat(d.pgnos().stream().mapToInt(Integer::intValue).toArray()).isEqualTo(f.pgnos());
        assertThat(d.index().size()).isEqualTo(f.pageCount());
        // The header re-encodes to the same 100 bytes (reserved bytes are zero in every vector).
        assertThat(h.encode()).isEqualTo(Arrays.copyOf(bytes, LtxHeader.SIZE));
        assertThat(LtxHeader.decode(ByteBuffer.wrap(bytes), f.name())).isEqualTo(h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void pageIndexFromTailMatchesManifestAndFrames(VectorFile f) throws IOException {
        byte[] bytes = f.bytes();
        Decoded d = LtxTestFiles.decode(bytes, f.name());

        // Litestream's way: a 32 KiB tail read, and a second ranged read when the index does not fit.
        int tailLen = Math.min(bytes.length, 32 * 1024);
        ByteBuffer tail =
                ByteBuffer.wrap(bytes, bytes.length - tailLen, tailLen).slice();
        PageIndex.Location loc = PageIndex.locate(tail, bytes.length, f.name());
        assertThat(loc.offset()).isEqualTo(f.indexOffset());
        assertThat(loc.length()).isEqualTo(f.indexSize());
        assertThat(loc.trailerOffset()).isEqualTo(bytes.length - 16L);
        PageIndex index;
        if (loc.isWithinTail(tailLen)) {
            index = PageIndex.decodeFromTail(tail, bytes.length, f.name());
        } else {
            ByteBuffer second = ByteBuffer.wrap(bytes, (int) loc.offset(), loc.length());
            index = PageIndex.decode(second, f.name(), loc.offset());
        }
        index.validateFor(d.header(), f.name(), loc.offset());
        assertThat(index).isEqualTo(d.index());
        assertThat(index.size()).isEqualTo(f.pageCount());
        assertThat(IntStream.range(0, index.size()).map(index::pageNumber).toArray())
                .isEqualTo(f.pgnos());
        assertThat(index.endOfFrames() + 6).isEqualTo(f.indexOffset());

        // The index re-encodes to the stored bytes (entries, terminator, u64 length).
        byte[] stored = Arrays.copyOfRange(bytes, (int) f.indexOffset(), bytes.length - 16);
        assertThat(index.encode()).isEqualTo(stored);

        LtxTrailer trailer =
                LtxTrailer.decode(ByteBuffer.wrap(bytes, bytes.length - 16, 16), f.name(), bytes.length - 16);
        trailer.validateFor(d.header(), f.name(), bytes.length - 16);
        assertThat(trailer).isEqualTo(d.trailer());
        assertThat(trailer.encode()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void randomAccessDecodeOfEveryFrameEqualsStreamedPage(VectorFile f) throws IOException {
        byte[] bytes = f.bytes();
        Decoded d = LtxTestFiles.decode(bytes, f.name());
        PageIndex index = d.index();
        byte[] page = new byte[f.pageSize()];
        for (int i = 0; i < index.size(); i++) {
            int pgno = index.pageNumber(i);
            assertThat(index.find(pgno)).isEqualTo(i);
            ByteBuffer frame = ByteBuffer.wrap(bytes, (int) index.offset(i), index.frameSize(i))
                    .slice();
            LtxPageFrames.decodeFrame(frame, pgno, f.pageSize(), page, f.name(), index.offset(i));
            assertThat(frame.hasRemaining()).isFalse();
            assertThat(page).as("page %d", pgno).isEqualTo(d.pages().get(i));
        }
        assertThat(index.find(0)).isEqualTo(-1);
        assertThat(index.find(Integer.MAX_VALUE)).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void reEncodingTheSamePagesGivesAValidFileAndTheSameChecksumWhenFramesMatch(VectorFile f) throws IOException {
        byte[] bytes = f.bytes();
        Decoded d = LtxTestFiles.decode(bytes, f.name());
        byte[] again = LtxTestFiles.encode(
                d.header(), d.pgnos(), d.pages(), d.trailer().postApplyChecksum());
        Decoded d2 = LtxTestFiles.decode(again, "re-encoded " + f.name());
        assertThat(d2.header()).isEqualTo(d.header());
        assertThat(d2.pgnos()).isEqualTo(d.pgnos());
        for (int i = 0; i < d.pages().size(); i++) {
            assertThat(d2.pages().get(i)).isEqualTo(d.pages().get(i));
        }
        if (d2.index().equals(d.index()) && !f.vector().startsWith("g_legacy")) {
            // Same compressed lengths, hence the same offsets, index and length fields: same file checksum.
            assertThat(d2.trailer().fileChecksum()).isEqualTo(f.fileChecksum());
        }
    }

    @Test
    void workedExampleA9() throws IOException {
        VectorFile f = Vectors.file("f_minimal", "ltx/0/0000000000000001-0000000000000001.ltx");
        byte[] b = f.bytes();
        assertThat(b).hasSize(241);
        assertThat(Arrays.copyOfRange(b, 0, 16)).isEqualTo(hex("4C545831 00000002 00001000 00000001"));
        assertThat(Arrays.copyOfRange(b, 0x10, 0x28))
                .isEqualTo(hex("0000000000000001 0000000000000001 000001A1FFA05280"));
        assertThat(Arrays.copyOfRange(b, 0x28, 0x64)).containsOnly(0);
        assertThat(Arrays.copyOfRange(b, 0x64, 0x6E)).isEqualTo(hex("00000001 0001 00000061"));
        assertThat(Arrays.copyOfRange(b, 0x6E, 0x74)).isEqualTo(hex("F30D53514C69"));
        assertThat(Arrays.copyOfRange(b, 0xCF, 0xF1))
                .isEqualTo(hex("000000000000 01646B 00 0000000000000004 0000000000000000 F3ABA222B7550C41"));

        Decoded d = LtxTestFiles.decode(b, f.name());
        assertThat(d.header().timestampInstant().toString()).isEqualTo("2026-11-21T19:40:59.392Z");
        assertThat(d.pgnos()).containsExactly(1);
        byte[] page = d.pages().get(0);
        assertThat(new String(page, 0, 16, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("SQLite format 3\0");
        assertThat(d.index().offset(0)).isEqualTo(100);
        assertThat(d.index().frameSize(0)).isEqualTo(107);

        // FileChecksum = flag | CRC(bytes 000-06D ‖ decompressed page ‖ bytes 0CF-0E8)
        Crc64 c = new Crc64();
        c.update(b, 0, 0x6E);
        c.update(page, 0, page.length);
        c.update(b, 0xCF, 0xE9 - 0xCF);
        assertThat(c.flaggedValue()).isEqualTo(0xF3ABA222B7550C41L);
        assertThat(d.trailer().fileChecksum()).isEqualTo(0xF3ABA222B7550C41L);
    }

    @Test
    void varintExamplesFromSpecA4() throws IOException {
        VectorFile f = Vectors.file("b_many_tx", "ltx/0/0000000000000002-0000000000000002.ltx");
        byte[] b = f.bytes();
        assertThat(Arrays.copyOfRange(b, (int) f.indexOffset(), (int) f.indexOffset() + 10))
                .isEqualTo(hex("01 64 A802 02 8C03 AE03 00"));
        assertThat(PageIndex.varintLength(35876)).isEqualTo(3);
        byte[] v = new byte[3];
        PageIndex.putVarint(v, 0, 35876);
        assertThat(v).isEqualTo(hex("A49802"));
        assertThat(PageIndex.empty().encode()).isEqualTo(hex("00 0000000000000001"));
    }

    @Test
    void verifyConvenienceAcceptsEveryVectorFile() throws IOException {
        for (VectorFile f : files()) {
            LtxDecoder.verify(new ByteArrayInputStream(f.bytes()), f.name());
        }
    }

    static byte[] hex(String s) {
        String h = s.replace(" ", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}

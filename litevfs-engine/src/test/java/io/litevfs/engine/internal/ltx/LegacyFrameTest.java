package io.litevfs.engine.internal.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.engine.internal.ltx.LtxTestFiles.Decoded;
import io.litevfs.engine.internal.ltx.Vectors.VectorFile;
import io.litevfs.ltx.TxId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The legacy encoding (page flags 0 followed by a complete LZ4 frame), spec A.3.3 and pitfall P5. */
class LegacyFrameTest {

    @Test
    void legacyVectorHasOnlyLegacyFramesAndTheSamePagesAsItsSource() throws IOException {
        List<VectorFile> legacy = Vectors.files().stream()
                .filter(f -> f.vector().equals("g_legacy_lz4_frame"))
                .toList();
        assertThat(legacy).hasSize(31);
        for (VectorFile f : legacy) {
            byte[] bytes = f.bytes();
            Decoded d = LtxTestFiles.decode(bytes, f.name());
            for (int i = 0; i < d.index().size(); i++) {
                int at = (int) d.index().offset(i);
                assertThat(bytes[at + 4]).isZero();
                assertThat(bytes[at + 5]).as("page flags of %s", f).isZero();
                assertThat(ByteBuffer.wrap(bytes, at + 6, 4).getInt()).isEqualTo(0x04224D18);
            }
            // b_many_tx is the same history in the current encoding: same pages, headers and TXIDs.
            VectorFile twin = Vectors.file(
                    "b_many_tx",
                    Vectors.root()
                            .resolve("g_legacy_lz4_frame")
                            .relativize(f.path())
                            .toString());
            Decoded t = LtxTestFiles.decode(twin.bytes(), twin.name());
            assertThat(d.header()).isEqualTo(t.header());
            assertThat(d.pgnos()).isEqualTo(t.pgnos());
            for (int i = 0; i < d.pages().size(); i++) {
                assertThat(d.pages().get(i)).isEqualTo(t.pages().get(i));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void lz4FrameOptionsAreParsedAndChecksumsVerified(boolean contentSize, boolean blockChecksum) throws IOException {
        int pageSize = 4096;
        SplittableRandom r = new SplittableRandom(7);
        byte[][] pages = new byte[3][pageSize];
        r.nextBytes(pages[1]); // incompressible: stored as an uncompressed block
        for (int i = 0; i < pageSize; i += 7) {
            pages[2][i] = (byte) i;
        }
        byte[][] payloads = new byte[3][];
        for (int i = 0; i < 3; i++) {
            payloads[i] = LegacyLtxWriter.lz4Frame(pages[i], contentSize, blockChecksum);
        }
        LtxHeader h = LtxHeader.checksumFree(pageSize, 3, TxId.of(1), TxId.of(1), 1000);
        byte[] file = LegacyLtxWriter.file(h, new int[] {1, 2, 3}, pages, payloads, new int[3], 0);
        Decoded d = LtxTestFiles.decode(file, "legacy");
        for (int i = 0; i < 3; i++) {
            assertThat(d.pages().get(i)).isEqualTo(pages[i]);
            byte[] page = new byte[pageSize];
            LtxPageFrames.decodeFrame(
                    ByteBuffer.wrap(file, (int) d.index().offset(i), d.index().frameSize(i)),
                    i + 1,
                    pageSize,
                    page,
                    "legacy",
                    d.index().offset(i));
            assertThat(page).isEqualTo(pages[i]);
        }
        // Corrupt the last byte of page 3's frame: the xxHash32 content checksum.
        int end = (int) (d.index().offset(2) + d.index().frameSize(2));
        file[end - 1] ^= 1;
        assertThatThrownBy(() -> LtxTestFiles.decode(file, "legacy"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("LZ4 content checksum")
                .extracting(e -> ((LtxFormatException) e).offset())
                .isEqualTo((long) end - 4);
    }

    @Test
    void mixedEncodingsInOneFile() throws IOException {
        int pageSize = 1024;
        byte[][] pages = {new byte[pageSize], new byte[pageSize]};
        pages[0][0] = 1;
        pages[1][5] = 2;
        byte[] block = new byte[LtxPageFrames.maxCompressedLength(pageSize)];
        int n = net.jpountz.lz4.LZ4Factory.fastestInstance()
                .fastCompressor()
                .compress(pages[1], 0, pageSize, block, 0, block.length);
        byte[] current = ByteBuffer.allocate(4 + n).putInt(n).put(block, 0, n).array();
        byte[][] payloads = {LegacyLtxWriter.lz4Frame(pages[0], false, false), current};
        LtxHeader h = LtxHeader.checksumFree(pageSize, 9, TxId.of(5), TxId.of(6), 1000);
        byte[] file = LegacyLtxWriter.file(h, new int[] {3, 9}, pages, payloads, new int[] {0, 1}, 0);
        Decoded d = LtxTestFiles.decode(file, "mixed");
        assertThat(d.pgnos()).containsExactly(3, 9);
        assertThat(d.pages().get(0)).isEqualTo(pages[0]);
        assertThat(d.pages().get(1)).isEqualTo(pages[1]);
    }

    @Test
    void badFrameHeaderChecksumAndDictionaryAreRejected() {
        int pageSize = 512;
        byte[][] pages = {new byte[pageSize]};
        byte[] frame = LegacyLtxWriter.lz4Frame(pages[0], false, false);
        LtxHeader h = LtxHeader.checksumFree(pageSize, 1, TxId.of(1), TxId.of(1), 1000);

        byte[] badHc = frame.clone();
        badHc[6] ^= 0x55; // HC byte after magic, FLG, BD
        byte[] f1 = LegacyLtxWriter.file(h, new int[] {1}, pages, new byte[][] {badHc}, new int[1], 0);
        assertThatThrownBy(() -> LtxTestFiles.decode(f1, "hc"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("header checksum")
                .extracting(e -> ((LtxFormatException) e).offset())
                .isEqualTo(100L + 6 + 6);

        byte[] dict = frame.clone();
        dict[4] |= 0x01;
        byte[] f2 = LegacyLtxWriter.file(h, new int[] {1}, pages, new byte[][] {dict}, new int[1], 0);
        assertThatThrownBy(() -> LtxTestFiles.decode(f2, "dict"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("dictionary");

        byte[] magic = frame.clone();
        magic[0] = 0x05;
        byte[] f3 = LegacyLtxWriter.file(h, new int[] {1}, pages, new byte[][] {magic}, new int[1], 0);
        assertThatThrownBy(() -> LtxTestFiles.decode(f3, "magic"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("expected the LZ4 frame magic 04 22 4D 18")
                .extracting(e -> ((LtxFormatException) e).offset())
                .isEqualTo(106L);
    }

    @Test
    void frameThatDecodesToLessThanAPageIsRejected() {
        int pageSize = 512;
        byte[] small = new byte[256];
        byte[] frame = LegacyLtxWriter.lz4Frame(small, false, false);
        LtxHeader h = LtxHeader.checksumFree(pageSize, 1, TxId.of(1), TxId.of(1), 1000);
        byte[] f = LegacyLtxWriter.file(
                h, new int[] {1}, new byte[][] {new byte[pageSize]}, new byte[][] {frame}, new int[1], 0);
        assertThatThrownBy(() -> LtxTestFiles.decode(f, "short"))
                .isInstanceOf(LtxFormatException.class)
                .hasMessageContaining("to decompress to the page size 512, found 256 bytes");
    }
}

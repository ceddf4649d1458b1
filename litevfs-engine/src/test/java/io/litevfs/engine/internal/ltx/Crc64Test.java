package io.litevfs.engine.internal.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Crc64Test {

    @Test
    void specCheckValues() {
        assertThat(Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xB90956C775A41001L);
        assertThat(Crc64.of("a".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x3420000000000000L);
        assertThat(Crc64.of(new byte[0])).isZero();
        assertThat(new Crc64().value()).isZero();
    }

    /** The byte-wise algorithm exactly as the spec (A.6.1) describes it. */
    private static long reference(byte[] b, int off, int len) {
        long[] t = new long[256];
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xD800000000000000L : c >>> 1;
            }
            t[i] = c;
        }
        long crc = ~0L;
        for (int i = off; i < off + len; i++) {
            crc = t[(int) ((crc ^ b[i]) & 0xFF)] ^ (crc >>> 8);
        }
        return ~crc;
    }

    @Test
    void slicingByEightMatchesBytewiseForAllLengthsAndSplits() {
        SplittableRandom r = new SplittableRandom(42);
        byte[] data = new byte[300];
        r.nextBytes(data);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; len + off <= data.length; len += 1 + (len / 16)) {
                long expected = reference(data, off, len);
                Crc64 c = new Crc64();
                c.update(data, off, len);
                assertThat(c.value()).as("off %d len %d", off, len).isEqualTo(expected);
                int split = len / 3;
                Crc64 d = new Crc64();
                d.update(data, off, split);
                d.update(ByteBuffer.allocateDirect(len - split)
                        .put(data, off + split, len - split)
                        .flip());
                assertThat(d.value()).isEqualTo(expected);
            }
        }
    }

    @Test
    void byteAndHeapBufferUpdatesAgree() {
        byte[] data = "hello, ltx".getBytes(StandardCharsets.US_ASCII);
        Crc64 a = new Crc64();
        for (byte b : data) {
            a.update(b);
        }
        Crc64 b = new Crc64();
        ByteBuffer buf = ByteBuffer.wrap(data, 2, 5).slice();
        b.update(data, 0, 2);
        b.update(buf);
        b.update(data, 7, 3);
        assertThat(buf.hasRemaining()).isFalse();
        assertThat(a.value()).isEqualTo(b.value()).isEqualTo(Crc64.of(data));
        assertThat(a.flaggedValue()).isEqualTo(Crc64.CHECKSUM_FLAG | Crc64.of(data));
        a.reset();
        assertThat(a.value()).isZero();
    }

    @Test
    void pageChecksumPrefixesBigEndianPageNumber() {
        byte[] page = new byte[512];
        page[0] = 7;
        byte[] prefixed = new byte[516];
        prefixed[0] = 0x01;
        prefixed[1] = 0x02;
        prefixed[2] = 0x03;
        prefixed[3] = 0x04;
        System.arraycopy(page, 0, prefixed, 4, 512);
        assertThat(Crc64.pageChecksum(0x01020304, page, 0, 512)).isEqualTo(Crc64.CHECKSUM_FLAG | Crc64.of(prefixed));
    }
}
